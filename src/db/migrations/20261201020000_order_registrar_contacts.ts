import type { Knex } from 'knex';

/** The registrar contact ids an order created, so a retried registration reuses them. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => t.jsonb('registrar_contacts'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => t.dropColumn('registrar_contacts'));
}
