import type { Knex } from 'knex';
import { ACCOUNT_LIMITS } from '../registrar/account';
import type { Reseller } from '../db/models';
import { queueFor } from '../temporal/queues';
import { newPublicId } from '../utils/public-ids';
import type { bulkJobWorkflow } from '../../workflows';
import {
  type BulkAction,
  type BulkJobInput,
  bulkJobWorkflowId,
  ResellerIdAttr,
} from '../../workflows/contracts';
import { runOptions, who } from '../../workflows/summaries';
import { BULK_MAX_ITEMS, type BulkOptions, checkItems, type RawItem } from './bulk-items';
import type { CoreDeps } from './deps';
import { conflict, notFound, unprocessable, validationFailed } from './errors';
import { getBalance } from './wallet';

/* Bulk jobs: checked and priced on submission (preflight), run by bulkJobWorkflow once confirmed. */

export type BulkJobStatus =
  'preflight' | 'running' | 'paused' | 'cancelling' | 'completed' | 'cancelled' | 'discarded';

export interface BulkJobRow {
  id: number;
  publicId: string;
  resellerId: number;
  action: BulkAction;
  options: BulkOptions;
  status: BulkJobStatus;
  totalItems: number;
  invalidItems: number;
  priceMinor: string;
  currency: string;
  walletCovers: boolean;
  pace: BulkPace;
  createdBy: string;
  createdAt: Date;
  confirmedAt: Date | null;
  finishedAt: Date | null;
}

/** What the account's limits allow a job: the basis of its ETA and of the items it keeps in flight. */
export interface BulkPace {
  /** Registrar calls one item costs on its path (a registration's later follow-up read included). */
  callsPerItem: number;
  /** Calls the account may make per minute. */
  callsPerMinute: number;
  /** Items the job keeps in flight. */
  window: number;
}

/** Registrar calls per item by action (docs/performance.md's budgets; auto-renew is ours alone). */
const CALLS_PER_ITEM: Record<BulkAction, number> = {
  register: 2,
  renew: 1,
  transfer: 5,
  nameservers: 1,
  dns_replace: 1,
  auto_renew: 0,
  lock: 1,
  privacy: 1,
};

export function bulkPace(
  config: Pick<CoreDeps['config'], 'DYNADOT_ACCOUNT_LEVEL' | 'DYNADOT_RATE_WINDOW_MS'>,
  action: BulkAction,
): BulkPace {
  const limits = ACCOUNT_LIMITS[config.DYNADOT_ACCOUNT_LEVEL];
  return {
    callsPerItem: CALLS_PER_ITEM[action],
    callsPerMinute: Math.round((limits.callsPerWindow * 60_000) / config.DYNADOT_RATE_WINDOW_MS),
    window: Math.min(100, Math.max(4, limits.threads * 4)),
  };
}

const COLUMNS = [
  'id',
  'publicId',
  'resellerId',
  'action',
  'options',
  'status',
  'totalItems',
  'invalidItems',
  'priceMinor',
  'currency',
  'walletCovers',
  'pace',
  'createdBy',
  'createdAt',
  'confirmedAt',
  'finishedAt',
];

export interface BulkSubmission {
  action: BulkAction;
  options: BulkOptions;
  items: RawItem[];
  /** Items in flight at once, below the account's default. */
  concurrency?: number | undefined;
  idempotencyKey?: string | undefined;
  createdBy: string;
}

/**
 * A job in preflight: every item checked and priced, the total and whether the available balance
 * covers it; nothing runs until it is confirmed. 422 for no items or more than BULK_MAX_ITEMS.
 */
export async function submitBulkJob(
  deps: Pick<CoreDeps, 'db' | 'registrar' | 'config' | 'secrets'>,
  reseller: Reseller,
  sub: BulkSubmission,
): Promise<BulkJobRow> {
  if (sub.items.length === 0) throw validationFailed({ items: ['Send at least one item.'] });
  if (sub.items.length > BULK_MAX_ITEMS)
    throw validationFailed({
      items: [`A job holds at most ${BULK_MAX_ITEMS} items; this one has ${sub.items.length}.`],
    });
  if (sub.idempotencyKey) {
    const earlier = (await deps
      .db('bulkJobs')
      .where({ resellerId: reseller.id, idempotencyKey: sub.idempotencyKey })
      .first(COLUMNS)) as BulkJobRow | undefined;
    if (earlier) return earlier;
  }
  const checked = await checkItems(deps, reseller, sub.action, sub.options, sub.items);
  const pace = bulkPace(deps.config, sub.action);
  if (sub.concurrency !== undefined) pace.window = Math.min(pace.window, sub.concurrency);
  const currency = reseller.currency.trim();
  const total = checked.reduce((sum, i) => sum + (i.priceMinor ?? 0n), 0n);
  const balance = await getBalance(deps.db, reseller.id, currency);
  // An auth code is kept sealed, as a single order's is.
  const seal = (p: BulkOptions) => {
    const { auth_code, ...rest } = p;
    return auth_code ? { ...rest, sealed_auth_code: deps.secrets.seal(auth_code) } : rest;
  };
  return deps.db.transaction(async (trx) => {
    const [job] = (await trx('bulkJobs')
      .insert({
        publicId: newPublicId('blk'),
        resellerId: reseller.id,
        action: sub.action,
        options: JSON.stringify(seal(sub.options)),
        totalItems: checked.length,
        invalidItems: checked.filter((i) => i.status === 'invalid').length,
        priceMinor: total.toString(),
        currency,
        walletCovers: balance.available >= total,
        pace: JSON.stringify(pace),
        idempotencyKey: sub.idempotencyKey ?? null,
        createdBy: sub.createdBy,
      })
      .returning(COLUMNS)) as BulkJobRow[];
    for (let i = 0; i < checked.length; i += 1000)
      await trx('bulkJobItems').insert(
        checked.slice(i, i + 1000).map((item) => ({
          jobId: job!.id,
          line: item.line,
          domain: item.domain,
          params: JSON.stringify(seal(item.params)),
          status: item.status,
          priceMinor: item.priceMinor?.toString() ?? null,
          errorCode: item.error?.code ?? null,
          errorMessage: item.error?.message ?? null,
        })),
      );
    return job!;
  });
}

export async function findBulkJob(
  db: Knex,
  resellerId: number | null,
  publicId: string,
): Promise<BulkJobRow> {
  const q = db('bulkJobs').where({ publicId });
  if (resellerId !== null) q.where({ resellerId });
  const row = (await q.first(COLUMNS)) as BulkJobRow | undefined;
  if (!row) throw notFound(`No bulk job ${publicId} in this account.`, 'bulk_job_not_found');
  return row;
}

export async function listBulkJobs(
  db: Knex,
  filter: { resellerId?: number; limit?: number },
): Promise<Array<BulkJobRow & { resellerName: string }>> {
  const q = db('bulkJobs as j')
    .join('resellers as r', 'r.id', 'j.resellerId')
    .orderBy('j.id', 'desc')
    .limit(filter.limit ?? 50)
    .select(...COLUMNS.map((c) => `j.${c}`), 'r.name as resellerName');
  if (filter.resellerId !== undefined) q.where('j.resellerId', filter.resellerId);
  return (await q) as Array<BulkJobRow & { resellerName: string }>;
}

/**
 * Starts a job in preflight. Its invalid items are left out only when `skipInvalid` is sent (422
 * `bulk_job_invalid` otherwise), and the available balance must cover its total now (422
 * `insufficient_balance`). A job already started answers as it stands (a retried confirmation).
 */
export async function confirmBulkJob(
  deps: Pick<CoreDeps, 'db' | 'temporal' | 'config'>,
  reseller: Reseller,
  publicId: string,
  opts: { skipInvalid: boolean },
): Promise<BulkJobRow> {
  const job = await findBulkJob(deps.db, reseller.id, publicId);
  if (job.status === 'discarded')
    throw conflict('bulk_job_discarded', 'This job was discarded: submit it again.');
  if (job.status === 'preflight') {
    if (job.invalidItems > 0 && !opts.skipInvalid)
      throw unprocessable(
        'bulk_job_invalid',
        `${job.invalidItems} of ${job.totalItems} items are invalid: fix them, or confirm with skip_invalid to run the others.`,
      );
    if (job.invalidItems === job.totalItems)
      throw unprocessable('bulk_job_invalid', 'Every item is invalid: nothing would run.');
    const balance = await getBalance(deps.db, reseller.id, job.currency.trim());
    if (balance.available < BigInt(job.priceMinor))
      throw unprocessable(
        'insufficient_balance',
        'The available balance does not cover the job’s total: top up first.',
      );
    await deps
      .db('bulkJobs')
      .where({ id: job.id, status: 'preflight' })
      .update({
        status: 'running',
        confirmedAt: deps.db.fn.now(),
        workflowId: bulkJobWorkflowId(job.publicId),
      });
  }
  if (job.status === 'preflight' || job.status === 'running') await startBulkRun(deps, reseller, job);
  return findBulkJob(deps.db, reseller.id, publicId);
}

/** The job's run (started again by a retried confirmation: the same ID attaches to it). */
async function startBulkRun(
  deps: Pick<CoreDeps, 'db' | 'temporal' | 'config'>,
  reseller: Reseller,
  job: BulkJobRow,
): Promise<void> {
  const items = job.totalItems - job.invalidItems;
  const input: BulkJobInput = {
    jobId: job.id,
    publicId: job.publicId,
    resellerId: reseller.id,
    action: job.action,
    items,
    window: job.pace.window,
    settleSeconds: Math.max(deps.config.TRANSFER_POLL_SECONDS, 1),
  };
  await deps.temporal.workflow
    .start<typeof bulkJobWorkflow>('bulkJobWorkflow', {
      taskQueue: queueFor(deps.config, 'bulkJobWorkflow'),
      workflowId: bulkJobWorkflowId(job.publicId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      ...runOptions(
        {
          staticSummary: `Bulk ${job.action} of ${items} domains · ${job.publicId} · ${who(reseller)}`,
          staticDetails: `- **Job**: ${job.publicId}\n- **Action**: ${job.action}\n- **Items**: ${items} (${job.invalidItems} invalid, left out)\n- **Total**: ${job.priceMinor} ${job.currency} (minor units)\n- **In flight at once**: ${job.pace.window}\n- **Submitted by**: ${job.createdBy}`,
        },
        [{ key: ResellerIdAttr, value: String(reseller.id) }],
      ),
    })
    .catch((err: unknown) => {
      // Closed already (a confirmation retried after the job finished): nothing to start.
      if (err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError') return;
      throw err;
    });
}
