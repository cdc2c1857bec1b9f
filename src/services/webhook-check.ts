import type { Client } from '@temporalio/client';
import { deliveryStatus } from '../webhooks/relay';
import type { Knex } from 'knex';
import { webhookDeliveryWorkflowId } from '../../workflows/contracts';
import type { LedgerFinding } from './ledger-check';

export interface WebhookCheckOptions {
  /** A pending job (or undispatched event) older than this must have a running delivery. */
  graceSeconds: number;
  /** At most this many pending jobs are looked up in Temporal. */
  limit?: number;
  /** WEBHOOK_ENDPOINT_MAX_IN_FLIGHT: a job waiting while its endpoint has fewer started must have been started. */
  endpointMaxInFlight?: number;
}

/**
 * The delivery invariants (`doctor --webhooks`):
 * - events are fanned out: none waits undispatched past the grace period;
 * - every dispatched event has a job for each enabled endpoint that subscribed to its type before
 *   the fan-out and has not changed since;
 * - every started job still pending past the grace period has a running delivery workflow;
 * - no job waits its turn past the grace period when nothing holds it back (no earlier job of its
 *   lane pending, fewer than the limit started at its endpoint): the relay would have started it.
 * Each finding is something the relay's sweep, `webhooks:retry-failed` or `webhooks:replay` repairs.
 */
export async function checkWebhooks(
  db: Knex,
  temporal: Client,
  opts: WebhookCheckOptions,
): Promise<LedgerFinding[]> {
  const findings: LedgerFinding[] = [];
  const rows = async <T>(sql: string, bindings: unknown[] = []): Promise<T[]> =>
    (await db.raw<{ rows: T[] }>(sql, bindings as Knex.RawBinding[])).rows;

  for (const r of await rows<{ n: string; oldest: Date }>(
    `SELECT count(*)::text AS n, min(created_at) AS oldest FROM events
      WHERE dispatched_at IS NULL AND created_at < now() - make_interval(secs => ?)
     HAVING count(*) > 0`,
    [opts.graceSeconds],
  )) {
    findings.push({
      check: 'undispatched events',
      detail: `${r.n} event(s) not fanned out, oldest from ${new Date(r.oldest).toISOString()} (is a worker running?)`,
    });
  }

  for (const r of await rows<{ eventId: string; type: string; endpointId: number }>(
    `SELECT e.id AS "eventId", e.type, w.id AS "endpointId"
       FROM events e
       JOIN webhook_endpoints w ON w.reseller_id = e.reseller_id AND w.enabled
            AND (w.events = '{}' OR e.type = ANY (w.events))
            AND w.updated_at <= e.dispatched_at
      WHERE e.dispatched_at IS NOT NULL
        AND e.dispatched_at > now() - interval '30 days'
        AND NOT EXISTS (SELECT 1 FROM webhook_jobs j WHERE j.event_id = e.id AND j.endpoint_id = w.id)
      ORDER BY e.created_at LIMIT 100`,
  )) {
    findings.push({
      check: 'missing delivery job',
      detail: `event ${r.eventId} (${r.type}) has no job for endpoint ${r.endpointId} (webhooks:replay --event=${r.eventId})`,
    });
  }

  for (const r of await rows<{ id: string; endpointId: number; createdAt: Date }>(
    `SELECT j.id::text, j.endpoint_id AS "endpointId", j.created_at AS "createdAt" FROM webhook_jobs j
      WHERE j.status = 'pending' AND j.started_at IS NULL
        AND j.created_at < now() - make_interval(secs => ?)
        AND NOT EXISTS (SELECT 1 FROM webhook_jobs p WHERE p.endpoint_id = j.endpoint_id
              AND p.subject = j.subject AND p.status = 'pending' AND p.sequence < j.sequence)
        AND (SELECT count(*) FROM webhook_jobs f WHERE f.endpoint_id = j.endpoint_id
              AND f.status = 'pending' AND f.started_at IS NOT NULL) < ?
      ORDER BY j.id LIMIT 100`,
    [opts.graceSeconds, opts.endpointMaxInFlight ?? 10],
  )) {
    findings.push({
      check: 'delivery not started',
      detail: `job ${r.id} for endpoint ${r.endpointId} waits since ${new Date(r.createdAt).toISOString()} with nothing ahead of it (is a worker polling the webhooks queue?)`,
    });
  }

  const pending = await rows<{ id: string; run: number }>(
    `SELECT id::text, run FROM webhook_jobs
      WHERE status = 'pending' AND started_at IS NOT NULL
        AND started_at < now() - make_interval(secs => ?)
      ORDER BY id LIMIT ?`,
    [opts.graceSeconds, opts.limit ?? 1000],
  );
  for (const job of pending) {
    const workflowId = webhookDeliveryWorkflowId(job.id, job.run);
    const status = await deliveryStatus(temporal, job);
    if (status !== 'RUNNING') {
      findings.push({
        check: 'stranded delivery',
        detail: `job ${job.id} is pending but its workflow ${workflowId} is ${status} (webhooks:retry-failed)`,
      });
    }
  }
  return findings;
}

export interface EndpointBacklog {
  endpointId: number;
  resellerId: number;
  host: string;
  /** Jobs not yet delivered or given up. */
  pending: number;
  /** Of those, started (attempting or waiting to retry); the rest wait their turn. */
  started: number;
  /** When the oldest pending job was created. */
  oldest: Date;
}

/** The endpoints with deliveries pending, oldest first: how far behind each receiver is. */
export async function pendingByEndpoint(db: Knex, limit = 20): Promise<EndpointBacklog[]> {
  const rows = (await db('webhookJobs as j')
    .join('webhookEndpoints as w', 'w.id', 'j.endpointId')
    .where('j.status', 'pending')
    .groupBy('w.id')
    .orderByRaw('min(j.created_at)')
    .limit(limit)
    .select(
      'w.id as endpointId',
      'w.resellerId',
      'w.url',
      db.raw('count(*)::int AS pending'),
      db.raw('(count(*) FILTER (WHERE j.started_at IS NOT NULL))::int AS started'),
      db.raw('min(j.created_at) AS oldest'),
    )) as Array<Omit<EndpointBacklog, 'host'> & { url: string }>;
  return rows.map(({ url, ...r }) => ({ ...r, host: URL.canParse(url) ? new URL(url).host : url }));
}
