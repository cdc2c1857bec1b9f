import { z } from 'zod';
import { BULK_ACTIONS } from '../../workflows/contracts';
import type { BulkJobRow } from '../services/bulk-jobs';
import type { BulkProgress } from '../services/bulk-progress';
import { moneyJson } from '../money';
import { iso, isoOrNull, isoText, MoneyJson } from './json';

/* A bulk job as the API answers it. */

export const BulkJobJson = z
  .object({
    id: z.string(),
    action: z.enum(BULK_ACTIONS),
    status: z
      .enum(['preflight', 'running', 'paused', 'cancelling', 'completed', 'cancelled', 'discarded'])
      .describe('preflight: checked and priced, waiting for confirmation; nothing runs before it.'),
    items: z
      .object({
        total: z.int(),
        pending: z.int(),
        running: z.int(),
        succeeded: z.int(),
        failed: z.int(),
        cancelled: z.int(),
        invalid: z.int(),
      })
      .describe('Items by state; one whose order has ended counts as ended at once.'),
    total_price: MoneyJson.describe(
      "The preflight's total of the valid items (0 for actions that charge nothing).",
    ),
    wallet_covers: z.boolean().describe('Whether the available balance covered the total at preflight.'),
    charged: MoneyJson.describe('What the completed orders cost so far (failed ones were refunded).'),
    progress: z.object({
      finished: z.int(),
      of: z.int().describe('Items that run (the invalid ones are left out).'),
      percent: z.number(),
      rate_per_minute: z.number().nullable().describe('Items finished a minute since confirmation.'),
      limit_per_minute: z
        .number()
        .nullable()
        .describe("Items a minute the registrar account's limits allow this action."),
      eta_seconds: z.int().nullable().describe('At the slower of the limit and the rate seen.'),
    }),
    errors: z
      .array(z.object({ line: z.int(), domain: z.string(), code: z.string(), message: z.string() }))
      .describe("The preflight's refusals by line (the first 500; all are in the results CSV)."),
    created_at: iso,
    confirmed_at: isoOrNull,
    finished_at: isoOrNull,
    results_url: z.string().describe('The per-item results as CSV.'),
  })
  .meta({ id: 'BulkJob' });

/** `base`: the surface's `/bulk-jobs` path. */
export function presentBulkJob(
  job: BulkJobRow,
  {
    progress,
    errors,
  }: {
    progress: BulkProgress;
    errors: Array<{ line: number; domain: string; code: string; message: string }>;
  },
  base: string,
): z.infer<typeof BulkJobJson> {
  const currency = job.currency.trim();
  const of = progress.runnable;
  return {
    id: job.publicId,
    action: job.action,
    status: job.status,
    items: { total: job.totalItems, ...progress.counts },
    total_price: moneyJson(BigInt(job.priceMinor), currency),
    wallet_covers: job.walletCovers,
    charged: moneyJson(progress.chargedMinor, currency),
    progress: {
      finished: progress.finished,
      of,
      percent: of === 0 ? 100 : Math.round((progress.finished / of) * 1000) / 10,
      rate_per_minute: progress.ratePerMinute === null ? null : Math.round(progress.ratePerMinute * 10) / 10,
      limit_per_minute: progress.limitPerMinute,
      eta_seconds: progress.etaSeconds,
    },
    errors,
    created_at: new Date(job.createdAt).toISOString(),
    confirmed_at: isoText(job.confirmedAt),
    finished_at: isoText(job.finishedAt),
    results_url: `${base}/${job.publicId}/results.csv`,
  };
}
