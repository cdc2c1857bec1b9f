import type { Knex } from 'knex';

/**
 * A hosted zone's last change can be undone: before an edit whose publishing may still be refused
 * by the DNS server, the zone keeps its rows and publish state as they were (`before_change`), so
 * a refused change leaves the records as they were instead of half applied.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dns_zones', (t) => {
    t.jsonb('before_change');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dns_zones', (t) => {
    t.dropColumn('before_change');
  });
}
