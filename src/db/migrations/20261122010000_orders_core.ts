import type { Knex } from 'knex';

/**
 * Orders core: registrar result and review status on orders, one live register/transfer order
 * per domain across all resellers, an outbox of domain events, and the dev/test catalog index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE orders DROP CONSTRAINT orders_status_check');
  await knex.raw(`ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN
    ('pending', 'awaiting_payment', 'processing', 'completed', 'failed', 'cancelled', 'billing_failed'))`);
  await knex.schema.alterTable('orders', (t) => {
    t.text('idempotency_key');
    // What the registrar answered; kept even when local billing fails afterwards.
    t.jsonb('registrar_result');
    // Transfer auth code, read by the transfer activity only; cleared once the transfer ends.
    t.text('auth_code');
    // The expiry the renew was priced against; the registrar call guards on its year.
    t.timestamp('from_expires_at', { useTz: true });
    t.integer('domain_id').references('domains.id');
    t.boolean('premium').notNullable().defaultTo(false);
  });
  // One live registration or transfer per domain, whoever the reseller.
  await knex.raw(`CREATE UNIQUE INDEX orders_one_live_acquisition_per_domain ON orders (domain_name)
    WHERE action IN ('register', 'transfer') AND status IN ('pending', 'awaiting_payment', 'processing')`);

  await knex.schema.alterTable('invoices', (t) => {
    t.text('purpose').notNullable().defaultTo('order');
  });

  await knex.schema.createTable('events', (t) => {
    t.uuid('id').primary();
    t.integer('reseller_id').notNullable().references('resellers.id');
    t.text('type').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['reseller_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('events');
  await knex.schema.alterTable('invoices', (t) => t.dropColumn('purpose'));
  await knex.raw('DROP INDEX IF EXISTS orders_one_live_acquisition_per_domain');
  await knex.schema.alterTable('orders', (t) => {
    for (const c of [
      'idempotency_key',
      'registrar_result',
      'auth_code',
      'from_expires_at',
      'domain_id',
      'premium',
    ]) {
      t.dropColumn(c);
    }
  });
  await knex.raw('ALTER TABLE orders DROP CONSTRAINT orders_status_check');
  await knex.raw(`ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN
    ('pending', 'awaiting_payment', 'processing', 'completed', 'failed', 'cancelled'))`);
}
