import type { Knex } from 'knex';

/**
 * Turning DNSSEC off without an outage: the DS goes from the registrar first, and the zone stays
 * signed (`dnssec = 'unsigning'`) until `unsign_after`, past the parent's DS TTL, so a resolver
 * that cached the DS still finds signatures; then it is unsigned.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE dns_zones DROP CONSTRAINT dns_zones_dnssec_check');
  await knex.raw(
    "ALTER TABLE dns_zones ADD CONSTRAINT dns_zones_dnssec_check CHECK (dnssec IN ('off', 'on', 'unsigning'))",
  );
  await knex.schema.alterTable('dns_zones', (t) => {
    t.timestamp('unsign_after', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('dns_zones').where({ dnssec: 'unsigning' }).update({ dnssec: 'off' });
  await knex.schema.alterTable('dns_zones', (t) => {
    t.dropColumn('unsign_after');
  });
  await knex.raw('ALTER TABLE dns_zones DROP CONSTRAINT dns_zones_dnssec_check');
  await knex.raw(
    "ALTER TABLE dns_zones ADD CONSTRAINT dns_zones_dnssec_check CHECK (dnssec IN ('off', 'on'))",
  );
}
