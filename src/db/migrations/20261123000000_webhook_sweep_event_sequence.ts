import type { Knex } from 'knex';

/**
 * Webhook jobs remember when their delivery workflow was confirmed started and when the sweep
 * last looked at them; events get a sequence so receivers can order what they get.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_jobs', (t) => {
    // Set once the delivery workflow is known to exist (started after the job's commit).
    t.timestamp('started_at', { useTz: true });
    // When the relay's sweep last checked that a pending job still has a running workflow.
    t.timestamp('checked_at', { useTz: true });
  });
  await knex.raw(
    "CREATE INDEX webhook_jobs_pending ON webhook_jobs (coalesce(checked_at, created_at)) WHERE status = 'pending'",
  );
  // Increases with every event written: a later event about the same order, invoice or domain
  // always has a larger number, whatever order the deliveries arrive in.
  await knex.raw('ALTER TABLE events ADD COLUMN sequence bigserial');
  await knex.raw('CREATE UNIQUE INDEX events_sequence ON events (sequence)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS events_sequence');
  await knex.raw('ALTER TABLE events DROP COLUMN IF EXISTS sequence');
  await knex.raw('DROP INDEX IF EXISTS webhook_jobs_pending');
  await knex.schema.alterTable('webhook_jobs', (t) => {
    t.dropColumn('checked_at');
    t.dropColumn('started_at');
  });
}
