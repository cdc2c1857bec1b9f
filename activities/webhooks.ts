import type { Knex } from 'knex';
import { isDatabaseUnavailable } from '../src/db/errors';
import type { EventRow, WebhookEndpointRow, WebhookJobRow } from '../src/db/models';
import type { SecretBox } from '../src/secrets';
import { eventBody } from '../src/webhooks/events';
import { webhookHeaders } from '../src/webhooks/signing';
import { checkWebhookTarget, TargetRefusedError } from '../src/webhooks/targets';

export interface WebhookActivityDeps {
  db: Knex;
  secrets: SecretBox;
  webhooks: { timeoutMs: number; allowPrivateTargets: boolean };
}

/** `waiting`: no attempt, an earlier event of the job's lane (same endpoint and subject) is still pending. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'disabled' | 'refused' | 'waiting';

/** How long an attempt's record is written again while the database does not answer. */
const RECORD_PATIENCE_MS = 30_000;

/**
 * Writes an attempt's record, again and again while the database is unreachable (a restart, a
 * failover, a cut connection), for up to RECORD_PATIENCE_MS: once a receiver has answered, a
 * record that failed must not fail the activity, whose retry would POST the event again. (Found
 * by test/faults/postgres-cut.test.ts; test/webhooks/record-after-cut.test.ts pins it.)
 */
async function whileDatabaseReturns<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RECORD_PATIENCE_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db } = deps;
  return {
    /**
     * One delivery attempt: signed POST with a timeout; every attempt is recorded (status, latency,
     * truncated response). 2xx delivered; 410 disables the endpoint; anything else is retried.
     */
    async deliverWebhook(jobId: string, endpointId?: number): Promise<DeliveryOutcome> {
      const job = (await db('webhookJobs').where({ id: jobId }).first()) as WebhookJobRow | undefined;
      if (!job) {
        // Deleting an endpoint deletes its jobs: nothing is left to deliver to.
        if (endpointId !== undefined && !(await db('webhookEndpoints').where({ id: endpointId }).first('id')))
          return 'disabled';
        // Not committed yet, or read from a lagging replica: never "delivered" — retried.
        throw new Error(`webhook job ${jobId} not found`);
      }
      if (job.status === 'delivered') return 'delivered';
      const endpoint = (await db('webhookEndpoints').where({ id: job.endpointId }).first()) as
        WebhookEndpointRow | undefined;
      if (!endpoint) return 'disabled';
      if (!endpoint.enabled) {
        await db('webhookJobs').where({ id: jobId }).update({ status: 'disabled', updatedAt: db.fn.now() });
        return 'disabled';
      }
      if (job.subject !== null && job.sequence !== null) {
        const earlier = (await db('webhookJobs')
          .where({ endpointId: job.endpointId, subject: job.subject, status: 'pending' })
          .where('sequence', '<', job.sequence)
          .first('id')) as { id: string } | undefined;
        if (earlier) return 'waiting';
      }
      const event = (await db('events').where({ id: job.eventId }).first()) as EventRow | undefined;
      if (!event) throw new Error(`event ${job.eventId} of webhook job ${jobId} not found`);
      const attempt = (
        (await db('webhookJobs')
          .where({ id: jobId })
          .increment('attempts', 1)
          .returning('attempts')) as Array<{ attempts: number }>
      )[0]!.attempts;
      const record = (row: {
        statusCode?: number;
        latencyMs?: number;
        responseExcerpt?: string;
        error?: string;
        delivered: boolean;
      }) =>
        whileDatabaseReturns(() =>
          db.transaction(async (trx) => {
            await trx('webhookDeliveries').insert({ jobId, attempt, ...row });
            await trx('webhookJobs')
              .where({ id: jobId })
              .update({
                lastAttemptAt: trx.fn.now(),
                updatedAt: trx.fn.now(),
                ...(row.delivered ? { status: 'delivered', deliveredAt: trx.fn.now() } : {}),
              });
          }),
        );

      try {
        await checkWebhookTarget(endpoint.url, deps.webhooks.allowPrivateTargets);
      } catch (err) {
        if (!(err instanceof TargetRefusedError)) throw err;
        await record({ error: `target refused: ${err.message}`, delivered: false });
        await db('webhookJobs').where({ id: jobId }).update({ status: 'failed' });
        return 'refused';
      }
      const secrets = [deps.secrets.open(endpoint.secret)];
      if (
        endpoint.previousSecret &&
        endpoint.previousSecretExpiresAt &&
        new Date(endpoint.previousSecretExpiresAt) > new Date()
      ) {
        secrets.push(deps.secrets.open(endpoint.previousSecret));
      }
      const body = eventBody(event);
      const started = Date.now();
      try {
        const res = await fetch(endpoint.url, {
          method: 'POST',
          headers: webhookHeaders({ id: event.id, timestamp: Math.floor(Date.now() / 1000), body, secrets }),
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(deps.webhooks.timeoutMs),
        });
        const text = (await res.text().catch(() => '')).slice(0, 1024);
        const delivered = res.status >= 200 && res.status < 300;
        await record({
          statusCode: res.status,
          latencyMs: Date.now() - started,
          responseExcerpt: text,
          delivered,
        });
        if (delivered) return 'delivered';
        if (res.status === 410) {
          await db.transaction(async (trx) => {
            await trx('webhookEndpoints').where({ id: endpoint.id }).update({
              enabled: false,
              disabledReason: 'The receiver answered 410 Gone.',
              updatedAt: trx.fn.now(),
            });
            await trx('webhookJobs').where({ id: jobId }).update({ status: 'disabled' });
          });
          return 'disabled';
        }
        return 'retry';
      } catch (err) {
        const reason =
          err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'connection failed';
        await record({ latencyMs: Date.now() - started, error: reason, delivered: false });
        return 'retry';
      }
    },

    async markWebhookFailed(jobId: string): Promise<void> {
      await db('webhookJobs')
        .where({ id: jobId, status: 'pending' })
        .update({ status: 'failed', updatedAt: db.fn.now() });
    },
  };
}
