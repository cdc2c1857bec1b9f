import type { Knex } from 'knex';

/**
 * Nameserver hosts (glue) registered at the registrar under a domain we hold (`ns1.brand.com`
 * with its addresses): our record of what was registered, answered while the registrar lags.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('glue_hosts', (t) => {
    t.increments('id').primary();
    t.integer('domain_id').notNullable().references('domains.id').onDelete('CASCADE');
    t.text('host').notNullable().unique();
    t.specificType('ips', 'text[]').notNullable();
    t.text('server_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['domain_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('glue_hosts');
}
