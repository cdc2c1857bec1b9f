import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Knex } from 'knex';
import type { webhookDeliveryWorkflow } from '../../workflows';
import {
  ResellerIdAttr,
  type WebhookDeliveryInput,
  webhookDeliveryWorkflowId,
} from '../../workflows/contracts';
import { deliveryLabel, runOptions } from '../../workflows/summaries';
import type { Config } from '../config';
import { type QueueConfig, queueFor } from '../temporal/queues';

export interface DispatchOptions {
  /** The webhooks task queue, where delivery workflows are started. */
  taskQueue: string;
  backoffBaseSeconds: number;
  horizonSeconds: number;
}

export interface RelayOptions extends DispatchOptions {
  /** Deliveries one endpoint may have started and not finished (WEBHOOK_ENDPOINT_MAX_IN_FLIGHT). */
  endpointMaxInFlight: number;
  /** How often undispatched events are fanned out. */
  intervalMs: number;
  /** How often pending jobs are checked for a live delivery workflow. */
  sweepIntervalMs: number;
  /** A pending job younger than this (or checked more recently) is left to its workflow. */
  sweepGraceSeconds: number;
}

/** The relay's timing from the configuration. */
export function relayOptions(
  config: Pick<
    Config,
    | 'WEBHOOK_BACKOFF_BASE_SECONDS'
    | 'WEBHOOK_RETRY_HORIZON_HOURS'
    | 'WEBHOOK_DISPATCH_INTERVAL_MS'
    | 'WEBHOOK_SWEEP_INTERVAL_MS'
    | 'WEBHOOK_SWEEP_GRACE_SECONDS'
    | 'WEBHOOK_ENDPOINT_MAX_IN_FLIGHT'
  > &
    QueueConfig,
): RelayOptions {
  return {
    taskQueue: queueFor(config, 'webhookDeliveryWorkflow'),
    endpointMaxInFlight: config.WEBHOOK_ENDPOINT_MAX_IN_FLIGHT,
    backoffBaseSeconds: config.WEBHOOK_BACKOFF_BASE_SECONDS,
    horizonSeconds: config.WEBHOOK_RETRY_HORIZON_HOURS * 3600,
    intervalMs: config.WEBHOOK_DISPATCH_INTERVAL_MS,
    sweepIntervalMs: config.WEBHOOK_SWEEP_INTERVAL_MS,
    sweepGraceSeconds: config.WEBHOOK_SWEEP_GRACE_SECONDS,
  };
}

/** One webhook job: an event for one endpoint, delivered by the workflow of its current run. */
export interface DeliveryJob {
  id: string;
  run: number;
  resellerId: number;
  endpointId: number;
  /** For the run's summary in the Temporal UI (its host only is shown). */
  eventType?: string | undefined;
  endpointUrl?: string | undefined;
  resellerName?: string | undefined;
  /** The first run's deadline (the job's creation + the horizon); absent: the run's start + the horizon. */
  deadline?: string | undefined;
}

/** Starts (or finds already started) the delivery workflow of a job: true when this call started it. */
export async function startDelivery(
  temporal: Client,
  job: DeliveryJob,
  opts: DispatchOptions,
): Promise<boolean> {
  const input: WebhookDeliveryInput = {
    jobId: job.id,
    endpointId: job.endpointId,
    backoffBaseSeconds: opts.backoffBaseSeconds,
    horizonSeconds: opts.horizonSeconds,
    ...(job.deadline ? { deadline: job.deadline } : {}),
  };
  try {
    await temporal.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
      taskQueue: opts.taskQueue,
      workflowId: webhookDeliveryWorkflowId(job.id, job.run),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...runOptions(deliveryLabel({ ...job, jobId: job.id }, input), [
        { key: ResellerIdAttr, value: String(job.resellerId) },
      ]),
    });
    return true;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return false;
  }
}

/**
 * Starts the delivery workflows of jobs already claimed (`started_at` set), a few at a time. A
 * start that fails is left to the sweep, which finds the job claimed with no workflow.
 */
export async function startDeliveries(temporal: Client, jobs: DeliveryJob[], opts: DispatchOptions) {
  const CHUNK = 20;
  for (let i = 0; i < jobs.length; i += CHUNK) {
    await Promise.all(jobs.slice(i, i + CHUNK).map((job) => startDelivery(temporal, job, opts)));
  }
}

/** A reseller's enabled endpoints that take this event type (an empty filter takes every type). */
export async function subscribedEndpoints(
  db: Knex,
  resellerId: number,
  type: string,
): Promise<Array<{ id: number; url: string; resellerName: string }>> {
  return (await db('webhookEndpoints as w')
    .join('resellers as r', 'r.id', 'w.resellerId')
    .where({ 'w.resellerId': resellerId, 'w.enabled': true })
    .where((q) => {
      void q.whereRaw("w.events = '{}'").orWhereRaw('? = ANY(w.events)', [type]);
    })
    .select('w.id', 'w.url', 'r.name as resellerName')) as Array<{
    id: number;
    url: string;
    resellerName: string;
  }>;
}

/** What a job's run summary names of its endpoint (its URL is cut to the host there). */
const labelOf = (e: { url?: string; resellerName?: string } | undefined) => ({
  endpointUrl: e?.url,
  resellerName: e?.resellerName,
});

/**
 * Creates (or finds) the job of an event for each endpoint given, in the caller's transaction,
 * with the event's subject (its lane: `webhook_subject()` in the database) and sequence. Deliveries
 * must be started only after that transaction commits: a delivery that runs first would find no job.
 */
export async function jobsFor(
  trx: Knex | Knex.Transaction,
  event: { id: string; resellerId: number; type?: string },
  endpoints: Array<{ id: number; url?: string; resellerName?: string }>,
): Promise<DeliveryJob[]> {
  if (endpoints.length === 0) return [];
  await trx.raw(
    `INSERT INTO webhook_jobs (event_id, endpoint_id, subject, sequence)
     SELECT e.id, ep.id, webhook_subject(e.type, e.payload), e.sequence
     FROM events e, unnest(?::int[]) AS ep(id) WHERE e.id = ?
     ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
    [endpoints.map((e) => e.id), event.id],
  );
  const rows = (await trx('webhookJobs')
    .where({ eventId: event.id })
    .whereIn(
      'endpointId',
      endpoints.map((e) => e.id),
    )
    .select('id', 'run', 'endpointId')) as Array<{ id: string; run: number; endpointId: number }>;
  return rows.map((r) => ({
    id: String(r.id),
    run: r.run,
    endpointId: r.endpointId,
    resellerId: event.resellerId,
    eventType: event.type,
    ...labelOf(endpoints.find((e) => e.id === r.endpointId)),
  }));
}

/** The advisory lock one relay at a time holds while it fans out events: jobs are made in sequence order. */
const DISPATCH_LOCK = 7_310_001;

/**
 * The outbox relay's first half: events recorded in the same transaction as the change that
 * caused them are fanned out here, in sequence order, to one job per subscribed, enabled endpoint.
 * The jobs wait for `admitJobs` to start them. One relay at a time does it (an advisory lock;
 * another relay's call returns 0); safe to repeat (jobs are unique per event and endpoint).
 */
export async function dispatchEvents(db: Knex, limit = 100): Promise<number> {
  return db.transaction(async (trx) => {
    const locked = (await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS ok', [DISPATCH_LOCK])) as {
      rows: Array<{ ok: boolean }>;
    };
    if (!locked.rows[0]?.ok) return 0;
    const events = (await trx('events')
      .whereNull('dispatchedAt')
      .orderBy('sequence')
      .limit(limit)
      .forUpdate()
      .select('id', 'resellerId', 'type')) as Array<{ id: string; resellerId: number; type: string }>;
    for (const event of events) {
      await jobsFor(trx, event, await subscribedEndpoints(trx, event.resellerId, event.type));
    }
    if (events.length > 0) {
      await trx('events')
        .whereIn(
          'id',
          events.map((e) => e.id),
        )
        .update({ dispatchedAt: trx.fn.now() });
    }
    return events.length;
  });
}

/**
 * Gives a job a new run (the attempt budget starts again) and starts its delivery. Only the caller
 * that moves the job from the run it saw wins, so concurrent sweeps or operators start one
 * delivery; `onlyIfPending` leaves alone a job delivered meanwhile. True when this call restarted it.
 */
export async function restartDelivery(
  db: Knex,
  temporal: Client,
  job: DeliveryJob,
  opts: DispatchOptions & { onlyIfPending?: boolean },
): Promise<boolean> {
  const next = { ...job, run: job.run + 1, deadline: undefined };
  // Claimed as started in the same update: a restarted job is never queued behind the endpoint's
  // limit (a start that fails is the sweep's to repair).
  const moved = await db('webhookJobs')
    .where({ id: job.id, run: job.run, ...(opts.onlyIfPending ? { status: 'pending' } : {}) })
    .update({ status: 'pending', run: next.run, startedAt: db.fn.now(), updatedAt: db.fn.now() });
  if (moved !== 1) return false;
  await startDelivery(temporal, next, opts);
  return true;
}
