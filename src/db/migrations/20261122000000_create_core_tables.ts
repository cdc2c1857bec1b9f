import type { Knex } from 'knex';

/**
 * The core schema: resellers and their credentials, catalog, wallet ledger, invoices, orders,
 * domains, API logs, audit events and idempotency records. Money is always an integer amount
 * of minor units (bigint); a reseller's balance is derived from the ledger, never stored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resellers', (t) => {
    t.increments('id');
    t.text('name').notNullable();
    t.text('email').notNullable().unique();
    t.text('role').notNullable().defaultTo('reseller').checkIn(['reseller', 'admin'], 'resellers_role_check');
    t.text('status')
      .notNullable()
      .defaultTo('active')
      .checkIn(['active', 'suspended'], 'resellers_status_check');
    t.specificType('currency', 'char(3)').notNullable();
    t.integer('markup_bps').notNullable().defaultTo(0);
    t.timestamps(true, true);
  });

  await knex.schema.createTable('api_credentials', (t) => {
    t.increments('id');
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    t.text('kind').notNullable().checkIn(['api_key', 'token'], 'api_credentials_kind_check');
    t.text('name').notNullable();
    t.text('prefix').notNullable().unique();
    t.specificType('secret_hash', 'char(64)').notNullable();
    t.specificType('abilities', 'text[]').notNullable().defaultTo('{}');
    t.specificType('ip_allowlist', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['reseller_id']);
  });

  await knex.schema.createTable('catalog_prices', (t) => {
    t.increments('id');
    t.text('tld').notNullable();
    t.text('action').notNullable().checkIn(['register', 'renew', 'transfer'], 'catalog_prices_action_check');
    t.specificType('currency', 'char(3)').notNullable();
    t.bigInteger('price_minor').notNullable().checkPositive('catalog_prices_price_positive');
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('min_years').notNullable().defaultTo(1);
    t.integer('max_years').notNullable().defaultTo(10);
    t.timestamps(true, true);
    t.unique(['tld', 'action', 'currency']);
  });

  await knex.schema.createTable('orders', (t) => {
    t.increments('id');
    t.text('public_id').notNullable().unique();
    t.integer('reseller_id').notNullable().references('resellers.id');
    t.text('action').notNullable().checkIn(['register', 'renew', 'transfer'], 'orders_action_check');
    t.text('domain_name').notNullable();
    t.integer('years').notNullable().defaultTo(1);
    t.text('status')
      .notNullable()
      .checkIn(
        ['pending', 'awaiting_payment', 'processing', 'completed', 'failed', 'cancelled'],
        'orders_status_check',
      );
    t.text('payment_method').notNullable().checkIn(['wallet', 'invoice'], 'orders_payment_method_check');
    t.bigInteger('amount_minor').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.text('workflow_id').notNullable().unique();
    t.jsonb('request').notNullable().defaultTo('{}');
    t.text('failure_code');
    t.text('failure_message');
    t.timestamps(true, true);
    t.timestamp('completed_at', { useTz: true });
    t.index(['reseller_id', 'id']);
    t.index(['status']);
  });

  await knex.schema.createTable('invoices', (t) => {
    t.increments('id');
    t.text('public_id').notNullable().unique();
    t.integer('reseller_id').notNullable().references('resellers.id');
    t.integer('order_id').references('orders.id');
    t.bigInteger('amount_minor').notNullable().checkPositive('invoices_amount_positive');
    t.specificType('currency', 'char(3)').notNullable();
    t.text('status')
      .notNullable()
      .defaultTo('unpaid')
      .checkIn(['unpaid', 'paid', 'expired', 'cancelled'], 'invoices_status_check');
    t.text('gateway');
    t.text('gateway_reference');
    t.text('payment_url');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('paid_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['reseller_id', 'id']);
  });

  await knex.schema.createTable('ledger_entries', (t) => {
    t.bigIncrements('id');
    t.integer('reseller_id').notNullable().references('resellers.id');
    t.text('kind')
      .notNullable()
      .checkIn(['topup', 'hold', 'refund', 'invoice_payment', 'adjustment'], 'ledger_entries_kind_check');
    t.text('status').notNullable().checkIn(['pending', 'posted', 'voided'], 'ledger_entries_status_check');
    // Signed: credits are positive, debits (and holds) negative.
    t.bigInteger('amount_minor').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.integer('order_id').references('orders.id');
    t.integer('invoice_id').references('invoices.id');
    // Makes a money movement idempotent: one entry per external reference.
    t.text('reference').unique();
    t.text('description');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('posted_at', { useTz: true });
    t.timestamp('voided_at', { useTz: true });
    t.index(['reseller_id', 'status']);
  });

  // Append-only ledger: rows are never deleted, amounts never change, and the only status
  // changes are pending -> posted and pending -> voided.
  await knex.raw(`
    CREATE FUNCTION ledger_entries_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger entries are append-only';
      END IF;
      IF NEW.amount_minor <> OLD.amount_minor OR NEW.reseller_id <> OLD.reseller_id
         OR NEW.currency <> OLD.currency OR NEW.kind <> OLD.kind THEN
        RAISE EXCEPTION 'ledger entry % is immutable', OLD.id;
      END IF;
      IF NEW.status <> OLD.status AND NOT (OLD.status = 'pending' AND NEW.status IN ('posted', 'voided')) THEN
        RAISE EXCEPTION 'ledger entry % cannot go from % to %', OLD.id, OLD.status, NEW.status;
      END IF;
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER ledger_entries_guard BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_entries_guard();
  `);

  await knex.schema.createTable('domains', (t) => {
    t.increments('id');
    t.integer('reseller_id').notNullable().references('resellers.id');
    t.text('name').notNullable().unique();
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('registered_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.boolean('auto_renew').notNullable().defaultTo(false);
    t.text('privacy').notNullable().defaultTo('off');
    t.boolean('locked').notNullable().defaultTo(false);
    t.specificType('nameservers', 'text[]').notNullable().defaultTo('{}');
    t.text('registrar').notNullable().defaultTo('dynadot');
    t.jsonb('registrar_metadata').notNullable().defaultTo('{}');
    t.timestamp('last_synced_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['reseller_id', 'id']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('api_logs', (t) => {
    t.bigIncrements('id');
    t.text('request_id').notNullable();
    t.integer('reseller_id').references('resellers.id').onDelete('SET NULL');
    t.integer('credential_id').references('api_credentials.id').onDelete('SET NULL');
    t.text('method').notNullable();
    t.text('path').notNullable();
    t.text('route');
    t.integer('status').notNullable();
    t.text('ip');
    t.integer('duration_ms').notNullable();
    t.jsonb('request_headers').notNullable().defaultTo('{}');
    t.jsonb('request_query').notNullable().defaultTo('{}');
    t.jsonb('request_body');
    t.jsonb('response_body');
    t.text('error_code');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at']);
    t.index(['reseller_id', 'id']);
  });

  await knex.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id');
    t.integer('reseller_id').references('resellers.id');
    t.text('type').notNullable();
    t.text('subject_type');
    t.text('subject_id');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['type', 'created_at']);
    t.index(['reseller_id', 'id']);
  });

  await knex.schema.createTable('idempotency_records', (t) => {
    t.bigIncrements('id');
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('scope').notNullable();
    t.specificType('request_hash', 'char(64)').notNullable();
    t.text('state').notNullable().checkIn(['in_flight', 'completed'], 'idempotency_records_state_check');
    t.integer('response_status');
    t.jsonb('response_body');
    t.jsonb('response_headers');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.unique(['reseller_id', 'key']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'idempotency_records',
    'audit_events',
    'api_logs',
    'domains',
    'ledger_entries',
    'invoices',
    'orders',
    'catalog_prices',
    'api_credentials',
    'resellers',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('DROP FUNCTION IF EXISTS ledger_entries_guard()');
}
