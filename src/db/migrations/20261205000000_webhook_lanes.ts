import type { Knex } from 'knex';

/**
 * Webhook lanes: each job carries its event's subject (the order, invoice or domain it is about)
 * and sequence, so one endpoint's events about one subject are delivered one after another in
 * sequence order, and a job's end is announced (NOTIFY webhook_job_settled) for the relay to
 * start what waited behind it.
 */
export async function up(knex: Knex): Promise<void> {
  // The one definition of a subject: the order of an order event, or of the invoice an order
  // paid; a top-up's invoice; the domain of an expiry reminder; none (not ordered) otherwise.
  await knex.raw(`
    CREATE FUNCTION webhook_subject(type text, payload jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN type LIKE 'domain.order.%' THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' AND payload->>'order_id' IS NOT NULL THEN 'order:' || (payload->>'order_id')
        WHEN type = 'invoice.paid' THEN 'invoice:' || (payload->>'invoice_id')
        WHEN type = 'domain.expiring' THEN 'domain:' || (payload->>'domain_name')
      END
    $$`);
  await knex.schema.alterTable('webhook_jobs', (t) => {
    t.text('subject');
    t.bigInteger('sequence');
  });
  await knex.raw(`
    UPDATE webhook_jobs j SET subject = webhook_subject(e.type, e.payload), sequence = e.sequence
    FROM events e WHERE e.id = j.event_id`);
  // Jobs started before lanes existed count as started (their workflows run or are swept).
  await knex.raw(
    "UPDATE webhook_jobs SET started_at = coalesce(started_at, created_at) WHERE status = 'pending'",
  );
  await knex.raw(
    "CREATE INDEX webhook_jobs_lane ON webhook_jobs (endpoint_id, subject, sequence) WHERE status = 'pending'",
  );
  await knex.raw(
    "CREATE INDEX webhook_jobs_queued ON webhook_jobs (endpoint_id, sequence) WHERE status = 'pending' AND started_at IS NULL",
  );
  await knex.raw(
    "CREATE INDEX webhook_jobs_in_flight ON webhook_jobs (endpoint_id) WHERE status = 'pending' AND started_at IS NOT NULL",
  );
  await knex.raw(
    "CREATE INDEX webhook_jobs_sweep ON webhook_jobs (coalesce(checked_at, started_at)) WHERE status = 'pending' AND started_at IS NOT NULL",
  );
  await knex.raw(
    'CREATE INDEX events_undispatched_sequence ON events (sequence) WHERE dispatched_at IS NULL',
  );
  await knex.raw(`
    CREATE FUNCTION webhook_job_settled() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('webhook_job_settled', NEW.endpoint_id::text);
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER webhook_job_settled AFTER UPDATE OF status ON webhook_jobs
    FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status <> 'pending')
    EXECUTE FUNCTION webhook_job_settled()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS webhook_job_settled ON webhook_jobs');
  await knex.raw('DROP FUNCTION IF EXISTS webhook_job_settled()');
  await knex.raw('DROP INDEX IF EXISTS events_undispatched_sequence');
  await knex.raw('DROP INDEX IF EXISTS webhook_jobs_sweep');
  await knex.raw('DROP INDEX IF EXISTS webhook_jobs_in_flight');
  await knex.raw('DROP INDEX IF EXISTS webhook_jobs_queued');
  await knex.raw('DROP INDEX IF EXISTS webhook_jobs_lane');
  await knex.schema.alterTable('webhook_jobs', (t) => {
    t.dropColumn('sequence');
    t.dropColumn('subject');
  });
  await knex.raw('DROP FUNCTION IF EXISTS webhook_subject(text, jsonb)');
}
