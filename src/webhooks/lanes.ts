import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { type DeliveryJob, type DispatchOptions, startDeliveries } from './dispatcher';

/** The advisory lock one relay at a time holds while it admits jobs (so an endpoint's limit holds). */
const ADMIT_LOCK = 7_310_002;

export interface AdmitOptions extends DispatchOptions {
  /** Deliveries one endpoint may have started and not finished. */
  endpointMaxInFlight: number;
}

/**
 * Starts the jobs whose turn it is. A job waits while an earlier job of its lane (same endpoint,
 * same subject, lower sequence) is pending, and while its endpoint has `endpointMaxInFlight`
 * deliveries started and unfinished (attempting, or waiting to retry). Endpoints take turns:
 * every endpoint's first ready job comes before any endpoint's second. The jobs are claimed
 * (`started_at`) under an advisory lock, then their workflows are started; a first run's deadline
 * counts from the job's creation, so a job that waited in a backlog is not retried for the whole
 * horizon again. Returns how many it started (0 when another relay holds the lock).
 */
export async function admitJobs(
  db: Knex,
  temporal: Client,
  opts: AdmitOptions,
  limit = 500,
): Promise<number> {
  const jobs = await db.transaction(async (trx) => {
    const locked = (await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [ADMIT_LOCK])) as {
      rows: Array<{ ok: boolean }>;
    };
    if (!locked.rows[0]?.ok) return [];
    const rows = (
      (await trx.raw(
        `WITH in_flight AS (
           SELECT endpoint_id, count(*)::int AS n FROM webhook_jobs
           WHERE status = 'pending' AND started_at IS NOT NULL GROUP BY endpoint_id
         ), room AS (
           SELECT q.endpoint_id, ?::int - coalesce(f.n, 0) AS free
           FROM (SELECT DISTINCT endpoint_id FROM webhook_jobs
                 WHERE status = 'pending' AND started_at IS NULL) q
           LEFT JOIN in_flight f USING (endpoint_id)
           WHERE ?::int - coalesce(f.n, 0) > 0
         ), ready AS (
           -- Per endpoint with room, its first ready jobs in sequence order (an endpoint at its
           -- limit is not even read, however long its queue).
           SELECT c.id, row_number() OVER (PARTITION BY r.endpoint_id ORDER BY c.sequence, c.id) AS turn
           FROM room r CROSS JOIN LATERAL (
             SELECT j.id, j.sequence FROM webhook_jobs j
             WHERE j.endpoint_id = r.endpoint_id AND j.status = 'pending' AND j.started_at IS NULL
               AND NOT EXISTS (
                 SELECT 1 FROM webhook_jobs p
                 WHERE p.endpoint_id = j.endpoint_id AND p.subject = j.subject
                   AND p.status = 'pending' AND p.sequence < j.sequence)
             ORDER BY j.sequence, j.id LIMIT r.free
           ) c
         ), chosen AS (
           SELECT id FROM ready ORDER BY turn, id LIMIT ?::int
         )
         UPDATE webhook_jobs j SET started_at = now()
         FROM chosen c, webhook_endpoints w, events e, resellers r
         WHERE j.id = c.id AND w.id = j.endpoint_id AND e.id = j.event_id AND r.id = w.reseller_id
         RETURNING j.id, j.run, j.endpoint_id, w.reseller_id, e.type AS event_type, w.url AS endpoint_url,
                   r.name AS reseller_name, j.created_at`,
        [opts.endpointMaxInFlight, opts.endpointMaxInFlight, limit],
      )) as {
        rows: Array<{
          id: string;
          run: number;
          endpoint_id: number;
          reseller_id: number;
          event_type: string;
          endpoint_url: string;
          reseller_name: string;
          created_at: Date;
        }>;
      }
    ).rows;
    return rows.map((r): DeliveryJob => ({
      id: String(r.id),
      run: r.run,
      endpointId: r.endpoint_id,
      resellerId: r.reseller_id,
      eventType: r.event_type,
      endpointUrl: r.endpoint_url,
      resellerName: r.reseller_name,
      deadline: new Date(new Date(r.created_at).getTime() + opts.horizonSeconds * 1000).toISOString(),
    }));
  });
  await startDeliveries(temporal, jobs, opts);
  return jobs.length;
}
