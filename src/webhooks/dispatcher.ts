import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Knex } from 'knex';
import type { webhookDeliveryWorkflow } from '../../workflows';
import { ResellerIdAttr, TASK_QUEUE, webhookDeliveryWorkflowId } from '../../workflows/contracts';
import type { Logger } from '../logger';

export interface DispatchOptions {
  backoffBaseSeconds: number;
  horizonSeconds: number;
}

/** Starts (or finds already started) the delivery workflow of a job. */
export async function startDelivery(
  temporal: Client,
  job: { id: string; run: number; resellerId: number },
  opts: DispatchOptions,
): Promise<void> {
  try {
    await temporal.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: webhookDeliveryWorkflowId(job.id, job.run),
      args: [
        { jobId: job.id, backoffBaseSeconds: opts.backoffBaseSeconds, horizonSeconds: opts.horizonSeconds },
      ],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: ResellerIdAttr, value: String(job.resellerId) }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** A reseller's enabled endpoints that take this event type (an empty filter takes every type). */
export async function subscribedEndpoints(
  db: Knex,
  resellerId: number,
  type: string,
): Promise<Array<{ id: number }>> {
  return (await db('webhookEndpoints')
    .where({ resellerId, enabled: true })
    .where((q) => {
      void q.whereRaw("events = '{}'").orWhereRaw('? = ANY(events)', [type]);
    })
    .select('id')) as Array<{ id: number }>;
}

/**
 * The outbox relay: events recorded in the same transaction as the change that caused them are
 * fanned out here to one job per subscribed, enabled endpoint, each with its delivery workflow.
 * Safe to run in every worker at once (SKIP LOCKED) and to repeat (jobs and workflow IDs are unique).
 */
export async function dispatchEvents(
  db: Knex,
  temporal: Client,
  opts: DispatchOptions,
  limit = 100,
): Promise<number> {
  return db.transaction(async (trx) => {
    const events = (await trx('events')
      .whereNull('dispatchedAt')
      .orderBy('createdAt')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('id', 'resellerId', 'type')) as Array<{ id: string; resellerId: number; type: string }>;
    for (const event of events) {
      const endpoints = await subscribedEndpoints(trx, event.resellerId, event.type);
      for (const endpoint of endpoints) {
        await trx('webhookJobs')
          .insert({ eventId: event.id, endpointId: endpoint.id })
          .onConflict(['eventId', 'endpointId'])
          .ignore();
        const job = (await trx('webhookJobs')
          .where({ eventId: event.id, endpointId: endpoint.id })
          .first('id', 'run')) as {
          id: string;
          run: number;
        };
        await startDelivery(
          temporal,
          { id: String(job.id), run: job.run, resellerId: event.resellerId },
          opts,
        );
      }
      await trx('events').where({ id: event.id }).update({ dispatchedAt: trx.fn.now() });
    }
    return events.length;
  });
}

/** Runs `dispatchEvents` every `intervalMs` until stopped. */
export function startEventRelay(
  db: Knex,
  temporal: Client,
  opts: DispatchOptions,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  const tick = async () => {
    try {
      while (!stopped && (await dispatchEvents(db, temporal, opts)) > 0) {
        // drain the backlog before sleeping again
      }
    } catch (err) {
      log.error({ err }, 'event relay tick failed');
    } finally {
      running = null;
    }
  };
  const timer = setInterval(() => {
    running ??= tick();
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
