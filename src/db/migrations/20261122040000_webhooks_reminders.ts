import type { Knex } from 'knex';

/** Outbound webhooks (endpoints, one job per event and endpoint, every attempt), expiry reminders, order retries. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.timestamp('dispatched_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX events_undispatched ON events (created_at) WHERE dispatched_at IS NULL');

  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.increments('id');
    t.text('public_id').notNullable().unique();
    t.integer('reseller_id').notNullable().references('resellers.id').onDelete('CASCADE');
    t.text('url').notNullable();
    t.text('description');
    // Empty: every event type.
    t.specificType('events', 'text[]').notNullable().defaultTo('{}');
    // Sealed (AES-GCM): we must be able to sign with it.
    t.text('secret').notNullable();
    t.text('previous_secret');
    t.timestamp('previous_secret_expires_at', { useTz: true });
    t.boolean('enabled').notNullable().defaultTo(true);
    t.text('disabled_reason');
    t.timestamps(true, true);
    t.index(['reseller_id']);
  });

  await knex.schema.createTable('webhook_jobs', (t) => {
    t.bigIncrements('id');
    t.uuid('event_id').notNullable().references('events.id');
    t.integer('endpoint_id').notNullable().references('webhook_endpoints.id').onDelete('CASCADE');
    t.text('status')
      .notNullable()
      .defaultTo('pending')
      .checkIn(['pending', 'delivered', 'failed', 'disabled'], 'webhook_jobs_status_check');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('run').notNullable().defaultTo(1);
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['event_id', 'endpoint_id']);
    t.index(['status']);
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('job_id').notNullable().references('webhook_jobs.id').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.integer('status_code');
    t.integer('latency_ms');
    t.text('response_excerpt');
    t.text('error');
    t.boolean('delivered').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['job_id']);
  });

  await knex.schema.createTable('domain_reminders', (t) => {
    t.bigIncrements('id');
    t.integer('domain_id').notNullable().references('domains.id').onDelete('CASCADE');
    t.integer('threshold_days').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One reminder per domain, threshold and expiry: a renewed domain is reminded again.
    t.unique(['domain_id', 'threshold_days', 'expires_at']);
  });

  await knex.schema.alterTable('orders', (t) => {
    t.integer('attempt').notNullable().defaultTo(1);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => t.dropColumn('attempt'));
  await knex.schema.dropTableIfExists('domain_reminders');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_jobs');
  await knex.schema.dropTableIfExists('webhook_endpoints');
  await knex.raw('DROP INDEX IF EXISTS events_undispatched');
  await knex.schema.alterTable('events', (t) => t.dropColumn('dispatched_at'));
}
