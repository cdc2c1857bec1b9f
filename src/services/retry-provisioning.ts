import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Knex } from 'knex';
import type { OrderRow } from '../db/models';
import type { orderWorkflow } from '../../workflows';
import { DomainNameAttr, OrderIdAttr, type OrderInput, ResellerIdAttr } from '../../workflows/contracts';
import type { Config } from '../config';
import { orderLabel, runOptions } from '../../workflows/summaries';
import { queueFor, type QueueConfig } from '../temporal/queues';
import { newPublicId } from '../utils/public-ids';
import { holdRef, voidHold } from './ledger';

/* `domains:retry-provisioning`: orders a new attempt can fix, resumed as a new run. */

/** Failures a new attempt can fix: the registrar was unreachable, or a crash abandoned the order. */
export const RESUMABLE_FAILURES = ['registrar_failed', 'abandoned'] as const;

export interface RetryCandidate {
  order: string;
  action: string;
  domain: string;
  /** Why it can be resumed (or, in `skipped`, why it is not). */
  reason: string;
}

export interface RetrySummary {
  considered: number;
  /** Resumed (or, with `dryRun`, to be resumed). */
  resumed: RetryCandidate[];
  skipped: RetryCandidate[];
}

export interface RetryOptions {
  /** `failed` and/or `processing`. */
  statuses: string[];
  limit: number;
  /** Only orders last changed at least this long ago. */
  olderThanMs?: number;
  /** List what would be resumed and why; change nothing. */
  dryRun?: boolean;
  /** Only this reseller's orders. */
  resellerId?: number;
  onProgress?: (line: string) => void;
}

const RESUME_REASONS: Record<string, string> = {
  registrar_failed: 'the registrar was unavailable or timed out',
  abandoned: 'abandoned by a crash while processing',
  processing: 'processing with no running workflow (abandoned by a crash)',
};

/**
 * `domains:retry-provisioning`: resumes register, renew and transfer orders whose failure a new
 * attempt can fix (RESUMABLE_FAILURES, or left processing with no running workflow) as a new
 * attempt paid from the wallet. Refusals (insufficient balance, registrar rejection, domain
 * unavailable, expired invoice) are never resumed; running orders are left alone.
 */
export async function retryProvisioning(
  db: Knex,
  temporal: Client,
  config: Pick<Config, 'TRANSFER_POLL_SECONDS'> & QueueConfig,
  opts: RetryOptions,
): Promise<RetrySummary> {
  const orders = (await db('orders')
    .whereIn('action', ['register', 'renew', 'transfer'])
    .where((q) => {
      if (opts.statuses.includes('failed'))
        void q.orWhere((f) => void f.where('status', 'failed').whereIn('failureCode', RESUMABLE_FAILURES));
      if (opts.statuses.includes('processing')) void q.orWhere('status', 'processing');
    })
    .modify((q) => {
      if (opts.olderThanMs !== undefined)
        void q.where('updatedAt', '<', new Date(Date.now() - opts.olderThanMs));
      if (opts.resellerId !== undefined) void q.where('resellerId', opts.resellerId);
    })
    .orderBy('id')
    .limit(opts.limit)) as OrderRow[];
  const summary: RetrySummary = { considered: orders.length, resumed: [], skipped: [] };
  for (const [i, order] of orders.entries()) {
    const candidate = {
      order: order.publicId,
      action: order.action,
      domain: order.domainName,
      reason: RESUME_REASONS[order.status === 'processing' ? 'processing' : (order.failureCode ?? '')] ?? '',
    };
    const step = `[${i + 1}/${orders.length}] ${order.publicId} (${order.action} ${order.domainName})`;
    const running = await temporal.workflow
      .getHandle(order.workflowId)
      .describe()
      .then(
        (d) => d.status.name === 'RUNNING',
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        },
      );
    if (running) {
      summary.skipped.push({ ...candidate, reason: 'its workflow is still running' });
      opts.onProgress?.(`${step} skipped: its workflow is still running`);
      continue;
    }
    if (opts.dryRun) {
      summary.resumed.push(candidate);
      opts.onProgress?.(`${step} would be resumed: ${candidate.reason}`);
      continue;
    }
    if (order.status === 'processing') {
      // Left behind by a workflow that no longer runs: release its hold before the new attempt.
      await voidHold(db, holdRef(order.id, order.attempt)).catch(() => undefined);
      await db('orders')
        .where({ id: order.id })
        .update({ status: 'failed', failureCode: 'abandoned', updatedAt: db.fn.now() });
    }
    const input: OrderInput = {
      publicId: newPublicId('ord'),
      resellerId: order.resellerId,
      action: order.action,
      domain: order.domainName,
      years: order.years,
      paymentMethod: 'wallet',
      amountMinor: String(order.amountMinor),
      currency: order.currency.trim(),
      premium: order.premium,
      idempotencyKey: null,
      fromExpiresAt: order.fromExpiresAt ? new Date(order.fromExpiresAt).toISOString() : null,
      nameservers: order.request.nameservers ?? [],
      // The resumed order's row holds its contacts (or their handles): the run carries no person.
      contacts: null,
      privacy: order.request.privacy ?? null,
      autoRenew: order.request.autoRenew ?? null,
      // Transfers keep their sealed auth code while they can be resumed.
      sealedAuthCode: order.authCode,
      invoiceExpiresAt: null,
      transferPollSeconds: config.TRANSFER_POLL_SECONDS,
      gateway: null,
      resumeOrderId: order.id,
      stepsVersion: 2,
    };
    const reseller = (await db('resellers').where({ id: order.resellerId }).first('name')) as
      { name: string } | undefined;
    const label = orderLabel(
      input,
      { id: order.resellerId, name: reseller?.name },
      `domains:retry-provisioning (order ${order.publicId})`,
    );
    await temporal.workflow.start<typeof orderWorkflow>('orderWorkflow', {
      taskQueue: queueFor(config, 'orderWorkflow'),
      workflowId: `${order.workflowId.replace(/:retry:\d+$/, '')}:retry:${order.attempt + 1}`,
      args: [input],
      ...runOptions(label, [
        { key: ResellerIdAttr, value: String(order.resellerId) },
        { key: DomainNameAttr, value: order.domainName },
        // (Runs of steps 2 do not upsert it themselves.)
        { key: OrderIdAttr, value: input.publicId },
      ]),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    summary.resumed.push(candidate);
    opts.onProgress?.(`${step} resumed: ${candidate.reason}`);
  }
  return summary;
}
