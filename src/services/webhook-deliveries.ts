import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { WebhookDeliveryRow, WebhookJobRow } from '../db/models';
import { conflict, notFound, unprocessable } from './errors';
import { TimeoutError, withTimeout } from '../timeout';
import type { webhookTestWorkflow } from '../../workflows';
import { ResellerIdAttr, webhookTestWorkflowId } from '../../workflows/contracts';
import { deliveryLabel, runOptions } from '../../workflows/summaries';
import { type DispatchOptions, restartDelivery } from '../webhooks/dispatcher';
import { eventRow } from '../webhooks/events';
import { type EndpointDeps, findEndpoint } from './webhook-endpoints';

/* An endpoint's deliveries: how it has fared, its deliveries and their attempts, a test event, a resend. */

/** How an endpoint has fared: its last attempt and its failed attempts in the last 24 hours. */
export interface EndpointHealth {
  lastAt: Date | null;
  lastStatus: number | null;
  lastDelivered: boolean | null;
  lastError: string | null;
  failures24h: number;
}

/** Each of the reseller's endpoints' health (endpoints never attempted are absent). */
export async function endpointHealth(db: Knex, resellerId: number): Promise<Map<number, EndpointHealth>> {
  const { rows } = await db.raw<{
    rows: Array<{
      endpoint_id: number;
      last_at: Date;
      last_status: number | null;
      last_delivered: boolean;
      last_error: string | null;
      failures: string;
    }>;
  }>(
    `SELECT j.endpoint_id,
            max(d.created_at) AS last_at,
            (array_agg(d.status_code ORDER BY d.id DESC))[1] AS last_status,
            (array_agg(d.delivered ORDER BY d.id DESC))[1] AS last_delivered,
            (array_agg(d.error ORDER BY d.id DESC))[1] AS last_error,
            count(*) FILTER (WHERE NOT d.delivered AND d.created_at > now() - interval '24 hours') AS failures
       FROM webhook_deliveries d
       JOIN webhook_jobs j ON j.id = d.job_id
       JOIN webhook_endpoints e ON e.id = j.endpoint_id
      WHERE e.reseller_id = ?
      GROUP BY j.endpoint_id`,
    [resellerId],
  );
  return new Map(
    rows.map((r) => [
      r.endpoint_id,
      {
        lastAt: r.last_at,
        lastStatus: r.last_status,
        lastDelivered: r.last_delivered,
        lastError: r.last_error,
        failures24h: Number(r.failures),
      },
    ]),
  );
}

/** A job of an endpoint with its event, as the deliveries list shows it. */
export type EndpointDelivery = Pick<
  WebhookJobRow,
  'id' | 'eventId' | 'status' | 'attempts' | 'lastAttemptAt' | 'deliveredAt'
> & {
  type: string;
  /** The latest attempt's answer (null before the first attempt). */
  statusCode: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
};

/** The endpoint's latest deliveries (one per event owed to it), newest first. */
export async function listDeliveries(
  db: Knex,
  resellerId: number,
  publicId: string,
  limit = 100,
): Promise<EndpointDelivery[]> {
  const row = await findEndpoint(db, resellerId, publicId);
  return (await db('webhookJobs as j')
    .join('events as e', 'e.id', 'j.eventId')
    .joinRaw(
      `LEFT JOIN LATERAL (SELECT status_code, latency_ms, response_excerpt, error FROM webhook_deliveries d
        WHERE d.job_id = j.id ORDER BY d.id DESC LIMIT 1) AS last ON true`,
    )
    .where('j.endpointId', row.id)
    .orderBy('j.id', 'desc')
    .limit(limit)
    .select(
      'j.id',
      'e.id as eventId',
      'e.type',
      'j.status',
      'j.attempts',
      'j.lastAttemptAt',
      'j.deliveredAt',
      'last.statusCode',
      'last.latencyMs',
      'last.responseExcerpt',
      'last.error',
    )) as EndpointDelivery[];
}

/** The answer a receiver gave to one attempt. */
export type DeliveryAttempt = Pick<
  WebhookDeliveryRow,
  'attempt' | 'statusCode' | 'latencyMs' | 'responseExcerpt' | 'error' | 'delivered' | 'createdAt'
>;

/** The attempts of one job, newest first. */
export async function deliveryAttempts(db: Knex, jobId: string, limit = 20): Promise<DeliveryAttempt[]> {
  return (await db('webhookDeliveries')
    .where({ jobId })
    .orderBy('id', 'desc')
    .limit(limit)
    .select(
      'attempt',
      'statusCode',
      'latencyMs',
      'responseExcerpt',
      'error',
      'delivered',
      'createdAt',
    )) as DeliveryAttempt[];
}

/**
 * Sends a signed `webhook.test` event to the endpoint now (through a one-attempt workflow) and
 * answers what the receiver said. The event goes to this endpoint only, whatever it subscribes to,
 * and is listed among its deliveries like any other.
 */
export async function sendTestEvent(
  deps: EndpointDeps & { temporal: Client; taskQueue: string; timeoutMs: number },
  resellerId: number,
  publicId: string,
): Promise<{ eventId: string; outcome: string; attempt: DeliveryAttempt | null }> {
  const endpoint = await findEndpoint(deps.db, resellerId, publicId);
  if (!endpoint.enabled)
    throw unprocessable('webhook_disabled', 'The endpoint is disabled: enable it before testing it.');
  const event = eventRow(resellerId, 'webhook.test', {
    endpoint_id: endpoint.publicId,
    message: 'A test event sent on request from the webhook settings.',
  });
  const jobId = await deps.db.transaction(async (trx) => {
    await trx('events').insert({ ...event, dispatchedAt: trx.fn.now() });
    const [job] = (await trx('webhookJobs')
      .insert({ eventId: event.id, endpointId: endpoint.id, startedAt: trx.fn.now() })
      .returning('id')) as Array<{ id: string | number }>;
    return String(job!.id);
  });
  const label = deliveryLabel(
    { jobId, run: 1, resellerId, eventType: 'webhook.test', endpointUrl: endpoint.url },
    { jobId, endpointId: endpoint.id, backoffBaseSeconds: 0, horizonSeconds: 0 },
    true,
  );
  const outcome = await withTimeout(
    deps.temporal.workflow.execute<typeof webhookTestWorkflow>('webhookTestWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: webhookTestWorkflowId(jobId),
      args: [{ jobId, endpointId: endpoint.id }],
      ...runOptions(label, [{ key: ResellerIdAttr, value: String(resellerId) }]),
    }),
    deps.timeoutMs,
  ).catch((err: unknown) => {
    if (err instanceof TimeoutError) return 'pending';
    throw err;
  });
  const [attempt] = await deliveryAttempts(deps.db, jobId, 1);
  return { eventId: event.id, outcome, attempt: attempt ?? null };
}

/**
 * Delivers one event again to the endpoint (a new delivery run with its own backoff); the
 * receiver dedupes on the event id. 404 for an event the endpoint was never owed.
 */
export async function resendDelivery(
  deps: { db: Knex; temporal: Client; dispatch: DispatchOptions },
  resellerId: number,
  publicId: string,
  eventId: string,
): Promise<EndpointDelivery> {
  const endpoint = await findEndpoint(deps.db, resellerId, publicId);
  const missing = () => notFound('No delivery of this event to this endpoint.', 'delivery_not_found');
  if (!/^[0-9a-f-]{36}$/i.test(eventId)) throw missing();
  const job = (await deps.db('webhookJobs').where({ endpointId: endpoint.id, eventId }).first()) as
    WebhookJobRow | undefined;
  if (!job) throw missing();
  if (!endpoint.enabled)
    throw unprocessable('webhook_disabled', 'The endpoint is disabled: enable it before resending.');
  if (job.status === 'pending')
    throw conflict(
      'delivery_in_progress',
      job.startedAt
        ? 'This event is being delivered already.'
        : 'This event is waiting its turn: it is delivered after the earlier events about the same subject.',
    );
  await restartDelivery(
    deps.db,
    deps.temporal,
    { id: String(job.id), run: job.run, resellerId, endpointId: endpoint.id },
    deps.dispatch,
  );
  const [delivery] = (await listDeliveries(deps.db, resellerId, publicId, 1000)).filter(
    (d) => d.eventId === eventId,
  );
  return delivery!;
}
