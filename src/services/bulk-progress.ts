import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import { formatMinor } from '../money';
import type { BulkJobRow } from './bulk-jobs';

/* Where a bulk job stands: its items by state (live from their orders), the rate, the ETA. */

export const BULK_ITEM_STATES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'invalid',
] as const;
export type BulkItemState = (typeof BULK_ITEM_STATES)[number];

export interface BulkProgress {
  counts: Record<BulkItemState, number>;
  /** Items of the job that will run (its valid ones). */
  runnable: number;
  finished: number;
  /** What its completed orders charged, in minor units of the job's currency. */
  chargedMinor: bigint;
  /** Items finished per minute since the job was confirmed (null before any finished). */
  ratePerMinute: number | null;
  /** Items per minute the account's limits allow this action (null: no registrar call per item). */
  limitPerMinute: number | null;
  /** Seconds left at the slower of the limit and the rate seen (the limit alone until 20 items finished). */
  etaSeconds: number | null;
}

/**
 * An item still running whose order has ended counts as ended already (the job records it a
 * moment later), so the counts move as orders finish.
 */
const STATE_SQL = `
  CASE WHEN i.status = 'running' AND o.status = 'completed' THEN 'succeeded'
       WHEN i.status = 'running' AND o.status IN ('failed', 'cancelled') THEN 'failed'
       ELSE i.status END`;

export async function bulkProgress(db: Knex, job: BulkJobRow, now = new Date()): Promise<BulkProgress> {
  const rows = (await db.raw(
    `SELECT ${STATE_SQL} AS state, count(*)::int AS n,
            COALESCE(SUM(o.amount_minor) FILTER (WHERE o.status = 'completed'), 0)::text AS charged
       FROM bulk_job_items i LEFT JOIN orders o ON o.public_id = i.order_public_id
      WHERE i.job_id = ? GROUP BY 1`,
    [job.id],
  )) as { rows: Array<{ state: BulkItemState; n: number; charged: string }> };
  const counts = Object.fromEntries(BULK_ITEM_STATES.map((s) => [s, 0])) as Record<BulkItemState, number>;
  let chargedMinor = 0n;
  for (const r of rows.rows) {
    counts[r.state] = r.n;
    chargedMinor += BigInt(r.charged);
  }
  const runnable = job.totalItems - counts.invalid;
  const finished = counts.succeeded + counts.failed + counts.cancelled;
  const minutes = job.confirmedAt
    ? ((job.finishedAt ?? now).getTime() - new Date(job.confirmedAt).getTime()) / 60_000
    : 0;
  const ratePerMinute = finished > 0 && minutes > 0 ? finished / minutes : null;
  const limitPerMinute = job.pace.callsPerItem > 0 ? job.pace.callsPerMinute / job.pace.callsPerItem : null;
  const left = counts.pending + counts.running;
  const pace = Math.min(
    limitPerMinute ?? Infinity,
    finished >= 20 && ratePerMinute !== null ? ratePerMinute : Infinity,
  );
  const etaSeconds =
    job.status === 'preflight' || left === 0
      ? left === 0
        ? 0
        : null
      : pace === Infinity
        ? null
        : Math.ceil((left / pace) * 60);
  return { counts, runnable, finished, chargedMinor, ratePerMinute, limitPerMinute, etaSeconds };
}

/** The per-item results as CSV: one row per line, in line order. */
export async function bulkResultsCsv(db: Knex, job: BulkJobRow): Promise<string> {
  const rows = (await db.raw(
    `SELECT i.line, i.domain, ${STATE_SQL} AS state, i.order_public_id, i.price_minor,
            COALESCE(i.error_code, CASE WHEN o.status <> 'completed' THEN o.failure_code END) AS error_code,
            COALESCE(i.error_message, CASE WHEN o.status <> 'completed' THEN o.failure_message END) AS error_message,
            i.finished_at
       FROM bulk_job_items i LEFT JOIN orders o ON o.public_id = i.order_public_id
      WHERE i.job_id = ? ORDER BY i.line`,
    [job.id],
  )) as {
    rows: Array<{
      line: number;
      domain: string;
      state: string;
      order_public_id: string | null;
      price_minor: string | null;
      error_code: string | null;
      error_message: string | null;
      finished_at: Date | null;
    }>;
  };
  const currency = job.currency.trim();
  return stringify(
    rows.rows.map((r) => [
      r.line,
      r.domain,
      r.state,
      r.order_public_id ?? '',
      r.price_minor === null ? '' : formatMinor(BigInt(r.price_minor), currency),
      r.price_minor === null ? '' : currency,
      r.error_code ?? '',
      r.error_message ?? '',
      r.finished_at ? new Date(r.finished_at).toISOString() : '',
    ]),
    {
      header: true,
      columns: [
        'line',
        'domain',
        'status',
        'order_id',
        'price',
        'currency',
        'error_code',
        'error_message',
        'finished_at',
      ],
    },
  );
}

/** The statuses of a job whose run is going on (the pages reload themselves while a job is in one). */
export const isBulkJobActive = (status: string): boolean =>
  ['running', 'paused', 'cancelling'].includes(status);

/** What every surface shows of a job: its progress and the first `errorLimit` of its preflight's refusals. */
export async function bulkJobState(db: Knex, job: BulkJobRow, errorLimit: number) {
  return {
    progress: await bulkProgress(db, job),
    errors: job.invalidItems > 0 && errorLimit > 0 ? await bulkItemErrors(db, job.id, errorLimit) : [],
  };
}

/** The preflight's refusals: each invalid item's line, domain and why (the first `limit`). */
export async function bulkItemErrors(
  db: Knex,
  jobId: number,
  limit = 500,
): Promise<Array<{ line: number; domain: string; code: string; message: string }>> {
  return (await db('bulkJobItems')
    .where({ jobId, status: 'invalid' })
    .orderBy('line')
    .limit(limit)
    .select('line', 'domain', 'errorCode as code', 'errorMessage as message')) as Array<{
    line: number;
    domain: string;
    code: string;
    message: string;
  }>;
}
