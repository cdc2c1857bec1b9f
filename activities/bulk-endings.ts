import { formatMinor } from '../src/money';
import { emitEvent } from '../src/webhooks/events';
import type { BulkItemEnd } from '../workflows/contracts';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import type { Registrar } from '../src/registrar/types';
import type { SecretBox } from '../src/secrets';

/** What a bulk job's steps need (a part of ActivityDeps). */
export interface BulkActivityDeps {
  db: Knex;
  registrar: Registrar;
  secrets: SecretBox;
  pricing: Pick<Config, 'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS'>;
  bulk: {
    config: Pick<Config, 'TRANSFER_POLL_SECONDS' | 'TRANSFER_DEADLINE_HOURS'>;
    /** Made on first use (the worker's own connection is for polling). */
    temporal: () => Client;
  };
}

/** What an item's order row says of it: ended (succeeded or failed, with why) or not yet. */
const ORDER_END = `
  CASE WHEN o.status = 'completed' THEN 'succeeded'
       WHEN o.status IN ('failed', 'cancelled') THEN 'failed' END`;

/** A bulk job's endings: items settled from their orders or operations, the job closed with its webhook. */
export function createBulkEndingActivities(deps: Pick<BulkActivityDeps, 'db'>) {
  const { db } = deps;
  return {
    /**
     * Ends the items the run saw end: an operation by its result, an order by its row (its
     * status, failure code and message). An item already ended stays as it is.
     */
    async settleBulkItems(jobId: number, ends: BulkItemEnd[]): Promise<void> {
      const operations = ends.filter((e) => e.operation);
      for (const e of operations) {
        const op = e.operation!;
        await db('bulkJobItems')
          .where({ jobId, line: e.line, status: 'running' })
          .update({
            status: op.ok ? 'succeeded' : 'failed',
            errorCode: op.ok ? null : op.code,
            errorMessage: op.ok ? null : op.message,
            finishedAt: db.fn.now(),
          });
      }
      const lines = ends.filter((e) => !e.operation).map((e) => e.line);
      if (lines.length > 0) await settleOrders(jobId, lines);
    },

    /** Ends the items whose orders ended since (transfers run on after they start); how many remain open. */
    async settleOpenBulkItems(jobId: number): Promise<number> {
      await settleOrders(jobId, null);
      const [row] = (await db('bulkJobItems').where({ jobId, status: 'running' }).count('* as n')) as Array<{
        n: string;
      }>;
      return Number(row!.n);
    },

    /**
     * Closes the job: the items never started marked cancelled (a cancelled job), its status and
     * end time set, and `bulk_job.completed` written with its counts and what its orders charged,
     * in one transaction (a retried close changes nothing and writes no second event).
     */
    async finishBulkJob(jobId: number, status: 'completed' | 'cancelled'): Promise<number> {
      return db.transaction(async (trx) => {
        const job = (await trx('bulkJobs').where({ id: jobId }).forUpdate().first()) as {
          id: number;
          publicId: string;
          resellerId: number;
          action: string;
          currency: string;
          status: string;
          totalItems: number;
        };
        if (job.status === 'completed' || job.status === 'cancelled') return job.totalItems;
        await trx('bulkJobItems')
          .where({ jobId })
          .whereIn('status', ['pending'])
          .update({ status: 'cancelled', finishedAt: trx.fn.now() });
        const [finished] = (await trx('bulkJobs')
          .where({ id: jobId })
          .update({ status, finishedAt: trx.fn.now() })
          .returning('finishedAt')) as Array<{ finishedAt: Date }>;
        const counts = (await trx('bulkJobItems')
          .where({ jobId })
          .groupBy('status')
          .select('status', trx.raw('count(*)::int AS n'))) as Array<{ status: string; n: number }>;
        const n = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
        const charged = (await trx('bulkJobItems as i')
          .join('orders as o', 'o.publicId', 'i.orderPublicId')
          .where({ 'i.jobId': jobId, 'o.status': 'completed' })
          .first(trx.raw('COALESCE(SUM(o.amount_minor), 0)::text AS minor'))) as { minor: string };
        const currency = job.currency.trim();
        await emitEvent(trx, job.resellerId, 'bulk_job.completed', {
          job_id: job.publicId,
          action: job.action as never,
          status,
          items: {
            total: job.totalItems,
            succeeded: n('succeeded'),
            failed: n('failed'),
            cancelled: n('cancelled'),
            invalid: n('invalid'),
          },
          charged: {
            amount: formatMinor(BigInt(charged.minor), currency),
            amount_minor: charged.minor,
            currency,
          },
          results_url: `/api/v1/bulk-jobs/${job.publicId}/results.csv`,
          finished_at: new Date(finished!.finishedAt).toISOString(),
        });
        return job.totalItems;
      });
    },
  };

  async function settleOrders(jobId: number, lines: number[] | null): Promise<void> {
    await db.raw(
      `UPDATE bulk_job_items i SET status = ${ORDER_END},
              error_code = CASE WHEN o.status = 'completed' THEN NULL ELSE o.failure_code END,
              error_message = CASE WHEN o.status = 'completed' THEN NULL ELSE o.failure_message END,
              finished_at = now()
         FROM orders o
        WHERE i.job_id = ? AND i.status = 'running' AND o.public_id = i.order_public_id
          AND o.status IN ('completed', 'failed', 'cancelled')
          ${lines ? 'AND i.line = ANY(?::int[])' : ''}`,
      lines ? [jobId, lines] : [jobId],
    );
  }
}
