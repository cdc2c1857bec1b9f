import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Knex } from 'knex';
import type { webhookDeliveryWorkflow } from '../../workflows';
import {
  ResellerIdAttr,
  TASK_QUEUE,
  type WebhookDeliveryInput,
  webhookDeliveryWorkflowId,
} from '../../workflows/contracts';
import { deliveryLabel, runOptions } from '../../workflows/summaries';
import type { Config } from '../config';
import type { Logger } from '../logger';

export interface DispatchOptions {
  backoffBaseSeconds: number;
  horizonSeconds: number;
}

export interface RelayOptions extends DispatchOptions {
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
  >,
): RelayOptions {
  return {
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
  };
  try {
    await temporal.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
      taskQueue: TASK_QUEUE,
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
 * Starts the delivery workflows of committed jobs (a few at a time) and records which ones are
 * known to have one. A job whose start failed keeps `started_at` empty for the sweep to find.
 */
async function startDeliveries(db: Knex, temporal: Client, jobs: DeliveryJob[], opts: DispatchOptions) {
  const CHUNK = 20;
  for (let i = 0; i < jobs.length; i += CHUNK) {
    const chunk = jobs.slice(i, i + CHUNK);
    await Promise.all(chunk.map((job) => startDelivery(temporal, job, opts)));
    await db('webhookJobs')
      .whereIn(
        'id',
        chunk.map((j) => j.id),
      )
      .whereNull('startedAt')
      .update({ startedAt: db.fn.now() });
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
 * Creates (or finds) the job of an event for each endpoint given, in the caller's transaction.
 * Deliveries must be started only after that transaction commits: a delivery that runs first
 * would find no job.
 */
export async function jobsFor(
  trx: Knex | Knex.Transaction,
  event: { id: string; resellerId: number; type?: string },
  endpoints: Array<{ id: number; url?: string; resellerName?: string }>,
): Promise<DeliveryJob[]> {
  if (endpoints.length === 0) return [];
  await trx('webhookJobs')
    .insert(endpoints.map((e) => ({ eventId: event.id, endpointId: e.id })))
    .onConflict(['eventId', 'endpointId'])
    .ignore();
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

/**
 * The outbox relay: events recorded in the same transaction as the change that caused them are
 * fanned out here to one job per subscribed, enabled endpoint; once those jobs are committed,
 * each gets its delivery workflow. Safe to run in every worker at once (SKIP LOCKED) and to
 * repeat (jobs and workflow IDs are unique); a crash between the commit and the starts is
 * repaired by `sweepWebhookJobs`.
 */
export async function dispatchEvents(
  db: Knex,
  temporal: Client,
  opts: DispatchOptions,
  limit = 100,
): Promise<number> {
  const { count, jobs } = await db.transaction(async (trx) => {
    const events = (await trx('events')
      .whereNull('dispatchedAt')
      .orderBy('createdAt')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('id', 'resellerId', 'type')) as Array<{ id: string; resellerId: number; type: string }>;
    const created: DeliveryJob[] = [];
    for (const event of events) {
      created.push(
        ...(await jobsFor(trx, event, await subscribedEndpoints(trx, event.resellerId, event.type))),
      );
    }
    if (events.length > 0) {
      await trx('events')
        .whereIn(
          'id',
          events.map((e) => e.id),
        )
        .update({ dispatchedAt: trx.fn.now() });
    }
    return { count: events.length, jobs: created };
  });
  await startDeliveries(db, temporal, jobs, opts);
  return count;
}

export interface SweepResult {
  checked: number;
  /** Jobs that had no delivery workflow (never started, or its start was lost). */
  started: number;
  /** Jobs still pending whose workflow had ended (failed, terminated, timed out): a new run. */
  restarted: number;
}

/** The status of a job's current delivery workflow (RUNNING, COMPLETED, TERMINATED, …), or NOT_FOUND. */
export async function deliveryStatus(temporal: Client, job: { id: string; run: number }): Promise<string> {
  try {
    return (await temporal.workflow.getHandle(webhookDeliveryWorkflowId(job.id, job.run)).describe()).status
      .name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw err;
  }
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
  const next = { ...job, run: job.run + 1 };
  const moved = await db('webhookJobs')
    .where({ id: job.id, run: job.run, ...(opts.onlyIfPending ? { status: 'pending' } : {}) })
    .update({ status: 'pending', run: next.run, startedAt: null, updatedAt: db.fn.now() });
  if (moved !== 1) return false;
  await startDelivery(temporal, next, opts);
  await db('webhookJobs').where({ id: job.id }).update({ startedAt: db.fn.now() });
  return true;
}

/**
 * Finds jobs still pending with no live delivery workflow and gives each one: a job whose
 * workflow was never started (crash between commit and start, a lost start) gets it now; a job
 * whose workflow ended without recording an outcome gets a new run. Pending jobs that were
 * checked within `graceSeconds` are skipped, so a backlog is worked through oldest-checked first.
 */
export async function sweepWebhookJobs(
  db: Knex,
  temporal: Client,
  opts: DispatchOptions & { graceSeconds: number; limit?: number },
): Promise<SweepResult> {
  const jobs = (
    (await db('webhookJobs as j')
      .join('webhookEndpoints as w', 'w.id', 'j.endpointId')
      .join('events as e', 'e.id', 'j.eventId')
      .join('resellers as r', 'r.id', 'w.resellerId')
      .where('j.status', 'pending')
      .whereRaw('coalesce(j.checked_at, j.created_at) < now() - make_interval(secs => ?)', [
        opts.graceSeconds,
      ])
      .orderByRaw('coalesce(j.checked_at, j.created_at)')
      .limit(opts.limit ?? 200)
      .select(
        'j.id',
        'j.run',
        'j.endpointId',
        'w.resellerId',
        'e.type as eventType',
        'w.url as endpointUrl',
        'r.name as resellerName',
      )) as Array<DeliveryJob & { id: string | number }>
  ).map((j) => ({ ...j, id: String(j.id) }));
  const result: SweepResult = { checked: jobs.length, started: 0, restarted: 0 };
  for (const job of jobs) {
    const status = await deliveryStatus(temporal, job);
    if (status === 'NOT_FOUND') {
      if (await startDelivery(temporal, job, opts)) result.started += 1;
    } else if (status !== 'RUNNING') {
      // Ended without recording an outcome: a new run (a job delivered meanwhile is left alone).
      if (await restartDelivery(db, temporal, job, { ...opts, onlyIfPending: true })) result.restarted += 1;
    }
    await db('webhookJobs')
      .where({ id: job.id })
      .update({ checkedAt: db.fn.now(), startedAt: db.raw('coalesce(started_at, now())') });
  }
  return result;
}

/** Runs `dispatchEvents` every `intervalMs` and `sweepWebhookJobs` every `sweepIntervalMs` until stopped. */
export function startEventRelay(
  db: Knex,
  temporal: Client,
  opts: RelayOptions,
  log: Logger,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  let lastSweep = 0;
  const tick = async () => {
    try {
      while (!stopped && (await dispatchEvents(db, temporal, opts)) > 0) {
        // drain the backlog before sleeping again
      }
      if (!stopped && Date.now() - lastSweep >= opts.sweepIntervalMs) {
        lastSweep = Date.now();
        const swept = await sweepWebhookJobs(db, temporal, { ...opts, graceSeconds: opts.sweepGraceSeconds });
        if (swept.started + swept.restarted > 0)
          log.warn(swept, 'webhook sweep gave stranded jobs a delivery');
      }
    } catch (err) {
      log.error({ err }, 'event relay tick failed');
    } finally {
      running = null;
    }
  };
  const timer = setInterval(() => {
    running ??= tick();
  }, opts.intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
