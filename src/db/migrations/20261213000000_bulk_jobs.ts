import type { Knex } from 'knex';

const SUBJECT_BEFORE = `
      SELECT CASE
        WHEN type LIKE 'domain.order.%' THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' AND payload->>'order_id' IS NOT NULL THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' THEN 'invoice:' || (payload->>'invoice_id')
        WHEN type IN ('domain.expiring', 'domain.renewal_price_changed') THEN 'domain:' || (payload->>'domain_name')`;

/**
 * Bulk jobs: one action over up to 10,000 domains, checked and priced before anything runs
 * (status `preflight`), run by one workflow once confirmed. Each item is one line of the
 * request; an item that places an order names it (`order_public_id`), so its state is the
 * order's while it runs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bulk_jobs', (t) => {
    t.increments('id').primary();
    t.text('public_id').notNullable().unique();
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    t.text('action').notNullable();
    /** Options for every item (years, nameservers, records, the value to set). */
    t.jsonb('options').notNullable().defaultTo('{}');
    t.text('status')
      .notNullable()
      .defaultTo('preflight')
      .checkIn(
        ['preflight', 'running', 'paused', 'cancelling', 'completed', 'cancelled', 'discarded'],
        'bulk_jobs_status_check',
      );
    t.integer('total_items').notNullable();
    t.integer('invalid_items').notNullable().defaultTo(0);
    /** The preflight's total, in the reseller's currency (0 for actions that charge nothing). */
    t.bigInteger('price_minor').notNullable().defaultTo(0);
    t.specificType('currency', 'char(3)').notNullable();
    t.boolean('wallet_covers').notNullable();
    /** What the account's limits allow: registrar calls per item and per minute, for the ETA. */
    t.jsonb('pace').notNullable();
    t.text('idempotency_key');
    t.text('workflow_id');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('confirmed_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.index(['reseller_id', 'id']);
    t.unique(['reseller_id', 'idempotency_key']);
  });
  await knex.schema.createTable('bulk_job_items', (t) => {
    t.bigIncrements('id').primary();
    t.integer('job_id').notNullable().references('bulk_jobs.id').onDelete('CASCADE');
    /** The item's line: in a CSV the file's line (the header is line 1), in JSON its position from 1. */
    t.integer('line').notNullable();
    t.text('domain').notNullable();
    t.jsonb('params').notNullable().defaultTo('{}');
    t.text('status')
      .notNullable()
      .checkIn(
        ['invalid', 'pending', 'running', 'succeeded', 'failed', 'cancelled'],
        'bulk_job_items_status_check',
      );
    t.bigInteger('price_minor');
    t.text('order_public_id');
    t.text('error_code');
    t.text('error_message');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.unique(['job_id', 'line']);
    t.index(['job_id', 'status', 'line']);
  });
  await knex.raw(`
    CREATE OR REPLACE FUNCTION webhook_subject(type text, payload jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$${SUBJECT_BEFORE}
        WHEN type LIKE 'bulk_job.%' THEN 'bulk_job:' || (payload->>'job_id')
      END
    $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION webhook_subject(type text, payload jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$${SUBJECT_BEFORE}
      END
    $$`);
  await knex.schema.dropTable('bulk_job_items');
  await knex.schema.dropTable('bulk_jobs');
}
