import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Knex } from 'knex';
import { webhookDeliveryWorkflowId } from '../../workflows/contracts';
import { connectionStringOf } from '../db/knex';
import { listen } from '../db/listen';
import type { Logger } from '../logger';
import {
  type DeliveryJob,
  type DispatchOptions,
  dispatchEvents,
  type RelayOptions,
  restartDelivery,
  startDelivery,
} from './dispatcher';
import { admitJobs } from './lanes';

/** What the trigger on webhook_jobs notifies when a job stops being pending (payload: its endpoint). */
export const JOB_SETTLED_CHANNEL = 'webhook_job_settled';

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
 * Finds started jobs still pending with no live delivery workflow and gives each one: a job whose
 * workflow was never started (a crash between the claim and the start, a lost start) gets it now;
 * a job whose workflow ended without recording an outcome gets a new run. Jobs checked (or
 * started) within `graceSeconds` are skipped, so a backlog is worked through oldest-checked first.
 * Jobs waiting their turn are `admitJobs`' to start, not the sweep's.
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
      .whereNotNull('j.startedAt')
      .whereRaw('coalesce(j.checked_at, j.started_at) < now() - make_interval(secs => ?)', [
        opts.graceSeconds,
      ])
      .orderByRaw('coalesce(j.checked_at, j.started_at)')
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
    await db('webhookJobs').where({ id: job.id }).update({ checkedAt: db.fn.now() });
  }
  return result;
}

/**
 * The outbox relay, until stopped: fans out new events (`dispatchEvents`), starts the jobs whose
 * turn it is (`admitJobs`), every `intervalMs` and at once when a job settles (LISTEN
 * webhook_job_settled, so the next event of a lane follows without waiting for the interval);
 * and every `sweepIntervalMs` repairs started jobs that lost their workflow.
 */
const DISPATCH_BATCH = 100;
const ADMIT_BATCH = 500;

/**
 * One pass of the relay: the outbox drained into delivery jobs, then every job that may start
 * admitted. Answers how many events it dispatched and how many deliveries it started.
 */
export async function relayPending(
  db: Knex,
  temporal: Client,
  opts: RelayOptions,
  stopped: () => boolean = () => false,
): Promise<{ dispatched: number; admitted: number }> {
  const done = { dispatched: 0, admitted: 0 };
  // A batch shorter than the limit drained what there was: no empty pass after it (a change
  // meanwhile wakes the relay again).
  let n: number;
  do {
    n = stopped() ? 0 : await dispatchEvents(db, DISPATCH_BATCH);
    done.dispatched += n;
  } while (n === DISPATCH_BATCH);
  do {
    n = stopped() ? 0 : await admitJobs(db, temporal, opts, ADMIT_BATCH);
    done.admitted += n;
  } while (n === ADMIT_BATCH);
  return done;
}

export function startEventRelay(
  db: Knex,
  temporal: Client,
  opts: RelayOptions,
  log: Logger,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let lastSweep = 0;
  const tick = async () => {
    try {
      do {
        again = false;
        await relayPending(db, temporal, opts, () => stopped);
      } while (again && !stopped);
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
  const wake = () => {
    if (stopped) return;
    if (running) again = true;
    else running = tick();
  };
  const connectionString = connectionStringOf(db);
  const listener = connectionString
    ? listen({
        connectionString,
        channel: JOB_SETTLED_CHANNEL,
        name: 'domain-reseller webhook relay',
        log,
        onNotify: wake,
        onListening: wake,
      })
    : null;
  const timer = setInterval(wake, opts.intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await listener?.close();
    await running;
  };
}
