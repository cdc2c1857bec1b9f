import type { Knex } from 'knex';

/**
 * The hosted DNS addon: a zone is either registrar-hosted (pushed with `set_dns2`) or hosted on
 * the addon's DNS server; a hosted zone keeps the nameservers the domain had before it was
 * delegated to the addon (restored when the addon is cancelled), whether the delegation is in
 * place, and its DNSSEC state with the DS records sent to the registrar.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dns_zones', (t) => {
    t.text('mode')
      .notNullable()
      .defaultTo('registrar')
      .checkIn(['registrar', 'hosted'], 'dns_zones_mode_check');
    t.jsonb('previous_nameservers');
    t.boolean('delegated').notNullable().defaultTo(false);
    t.text('dnssec').notNullable().defaultTo('off').checkIn(['off', 'on'], 'dns_zones_dnssec_check');
    t.jsonb('ds');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dns_zones', (t) => {
    t.dropColumns('mode', 'previous_nameservers', 'delegated', 'dnssec', 'ds');
  });
}
