import type { Knex } from 'knex';
import type { OrderHarness } from '../harness';
import { request, type TestReseller } from '../helpers';
import { eventually, uniqueName } from '../order-helpers';

/* Bulk jobs as the tests use them: domains in an account, the job's answers, waiting for its end. */

export interface BulkJobJson {
  id: string;
  status: string;
  items: Record<'total' | 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'invalid', number>;
  total_price: { amount_minor: string; amount: string; currency: string };
  wallet_covers: boolean;
  charged: { amount_minor: string };
  progress: {
    finished: number;
    of: number;
    percent: number;
    eta_seconds: number | null;
    limit_per_minute: number | null;
  };
  errors: Array<{ line: number; domain: string; code: string; message: string }>;
  results_url: string;
}

/**
 * `count` domains in the reseller's account, expiring next year; those in `missingAtRegistrar`
 * (by index) are ours only (the registrar does not hold them, so their renewal is refused).
 */
export async function ownedDomains(
  h: Pick<OrderHarness, 'db' | 'sim'>,
  resellerId: number,
  count: number,
  opts: { prefix?: string; missingAtRegistrar?: (i: number) => boolean } = {},
): Promise<string[]> {
  const expiresAt = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1));
  const names = Array.from({ length: count }, () => uniqueName(opts.prefix ?? 'bulk'));
  names.forEach((n, i) => {
    if (!opts.missingAtRegistrar?.(i)) h.sim.seedDomain(n, expiresAt);
  });
  for (let i = 0; i < names.length; i += 500)
    await h
      .db('domains')
      .insert(names.slice(i, i + 500).map((name) => ({ resellerId, name, expiresAt, status: 'active' })));
  return names;
}

export const bulkApi =
  (h: Pick<OrderHarness, 'api'>, r: TestReseller) =>
  (method: string, path: string, body?: unknown, key?: string) =>
    request(h.api.url, `/api/v1${path}`, {
      method,
      token: r.token,
      ...(body ? { body } : {}),
      ...(key ? { key } : {}),
    });

export function jobOf(res: { status: number; text: string; body: Record<string, unknown> }): BulkJobJson {
  const data = res.body['data'] as { job?: BulkJobJson } | undefined;
  if (!data?.job) throw new Error(`no job in the answer: ${res.status} ${res.text}`);
  return data.job;
}

/** Waits until the job has ended (completed or cancelled), reading it as a client would. */
export async function jobEnded(
  api: ReturnType<typeof bulkApi>,
  id: string,
  timeoutMs: number,
): Promise<BulkJobJson> {
  return (await eventually(async () => {
    const job = jobOf(await api('GET', `/bulk-jobs/${id}`));
    return job.status === 'completed' || job.status === 'cancelled' ? job : null;
  }, timeoutMs))!;
}

/** The ledger of the reseller's orders of one job: what was captured and what was released. */
export async function jobLedger(db: Knex, jobPublicId: string) {
  const rows = (await db.raw(
    `SELECT o.status AS order_status, le.status AS entry_status, count(*)::int AS n, COALESCE(SUM(le.amount_minor), 0)::text AS minor
       FROM bulk_job_items i JOIN bulk_jobs j ON j.id = i.job_id
       JOIN orders o ON o.public_id = i.order_public_id
       LEFT JOIN ledger_entries le ON le.order_id = o.id
      WHERE j.public_id = ? GROUP BY 1, 2`,
    [jobPublicId],
  )) as { rows: Array<{ order_status: string; entry_status: string | null; n: number; minor: string }> };
  return rows.rows;
}
