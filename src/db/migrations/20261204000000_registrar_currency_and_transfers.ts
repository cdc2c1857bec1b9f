import type { Knex } from 'knex';

/**
 * The registrar account's currency beside the resellers': exchange rates set by operators, the
 * registrar's cost kept on imported catalog prices and on every order (with the rate used), the
 * premium-name policy per TLD; and on orders the transfer's state at the registrar and when a
 * registration was sent (the evidence a lost answer is settled from).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('exchange_rates', (t) => {
    t.increments('id');
    t.specificType('from_currency', 'char(3)').notNullable();
    t.specificType('to_currency', 'char(3)').notNullable();
    /** Units of `to_currency` for one unit of `from_currency`, as a decimal text (never a float). */
    t.text('rate').notNullable();
    t.text('set_by').notNullable();
    t.timestamp('set_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['from_currency', 'to_currency']);
  });
  await knex.schema.createTable('premium_policies', (t) => {
    t.text('tld').primary();
    t.boolean('allowed').notNullable();
    t.integer('margin_bps').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('catalog_prices', (t) => {
    t.bigInteger('cost_minor');
    t.specificType('cost_currency', 'char(3)');
  });
  await knex.schema.alterTable('orders', (t) => {
    t.bigInteger('cost_minor');
    t.specificType('cost_currency', 'char(3)');
    t.text('exchange_rate');
    t.text('transfer_status');
    t.timestamp('register_sent_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropColumns('cost_minor', 'cost_currency', 'exchange_rate', 'transfer_status', 'register_sent_at');
  });
  await knex.schema.alterTable('catalog_prices', (t) => t.dropColumns('cost_minor', 'cost_currency'));
  await knex.schema.dropTable('premium_policies');
  await knex.schema.dropTable('exchange_rates');
}
