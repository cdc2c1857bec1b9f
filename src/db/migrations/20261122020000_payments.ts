import type { Knex } from 'knex';

/**
 * Gateway payments (one row per payment attempt at Midtrans or Xendit) and every callback
 * received, with its verdict. An invoice remembers the workflow that waits for its payment.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.text('workflow_id');
  });
  await knex.raw('ALTER TABLE invoices ALTER COLUMN order_id DROP NOT NULL');

  await knex.schema.createTable('payments', (t) => {
    t.increments('id');
    t.integer('reseller_id').notNullable().references('resellers.id');
    t.integer('invoice_id').notNullable().references('invoices.id');
    t.text('gateway').notNullable().checkIn(['midtrans', 'xendit'], 'payments_gateway_check');
    // Midtrans order_id / Xendit external_id: unique per attempt.
    t.text('attempt_ref').notNullable().unique();
    t.text('gateway_id');
    t.text('payment_url');
    t.bigInteger('amount_minor').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.text('status')
      .notNullable()
      .defaultTo('pending')
      .checkIn(['pending', 'paid', 'expired', 'failed'], 'payments_status_check');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('paid_at', { useTz: true });
    t.index(['invoice_id']);
  });

  await knex.schema.createTable('payment_callbacks', (t) => {
    t.bigIncrements('id');
    t.text('gateway').notNullable();
    t.text('attempt_ref');
    t.integer('payment_id').references('payments.id');
    t.text('verdict').notNullable();
    t.text('transaction_status');
    t.text('amount');
    t.text('currency');
    t.text('raw_body').notNullable();
    t.jsonb('headers').notNullable().defaultTo('{}');
    t.text('note');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['attempt_ref']);
  });
  // One accepted (paid) callback per payment attempt: concurrent duplicates become 'duplicate'.
  await knex.raw(`CREATE UNIQUE INDEX payment_callbacks_one_accepted ON payment_callbacks (gateway, attempt_ref)
    WHERE verdict = 'accepted'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('payment_callbacks');
  await knex.schema.dropTableIfExists('payments');
  await knex.schema.alterTable('invoices', (t) => t.dropColumn('workflow_id'));
}
