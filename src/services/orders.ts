import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
} from '@temporalio/client';
import type { Knex } from 'knex';
import type { orderWorkflow } from '../../workflows';
import {
  type Acceptance,
  DomainNameAttr,
  type OrderInput,
  orderWorkflowId,
  OrderStatusAttr,
  ResellerIdAttr,
  TASK_QUEUE,
} from '../../workflows/contracts';
import { acceptanceUpdate, payFromWalletUpdate } from '../../workflows/messages';
import type { WalletPaymentResult } from '../../workflows/contracts';
import { withTimeout, workflowAnswer } from '../timeout';

export interface OrderRecord {
  id: number;
  publicId: string;
  resellerId: number;
  action: string;
  domainName: string;
  years: number;
  status: string;
  paymentMethod: string;
  amountMinor: string;
  currency: string;
  workflowId: string;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface InvoiceRecord {
  id: number;
  publicId: string;
  orderId: number | null;
  status: string;
  amountMinor: string;
  currency: string;
  gateway: string | null;
  paymentUrl: string | null;
  expiresAt: Date;
  paidAt: Date | null;
}

export type OrderKey =
  /** An Idempotency-Key: a retry attaches to the same order. */
  | { kind: 'idempotency'; key: string }
  /** A natural key (no Idempotency-Key sent): a concurrent duplicate is refused with 409. */
  | { kind: 'natural'; key: string; concurrent: 'fail' | 'attach' };

export type StartOutcome =
  | {
      kind: 'accepted';
      acceptance: Extract<Acceptance, { accepted: true }>;
      workflowId: string;
      done: boolean;
    }
  | { kind: 'refused'; code: string; message: string; workflowId: string }
  | { kind: 'in_progress'; workflowId: string }
  | { kind: 'existing'; workflowId: string };

/**
 * Starts (or attaches to) the order workflow with update-with-start: the answer arrives as
 * soon as the order is accepted (funds held, invoice issued) or refused; then waits up to
 * `waitMs` for it to finish, so quick orders answer 201 and slow ones 202.
 */
export async function startOrder(
  temporal: Client,
  input: OrderInput,
  orderKey: OrderKey,
  waitMs: number,
  /** How long to wait for the workflow to accept or refuse (WORKFLOW_ANSWER_TIMEOUT_MS). */
  answerMs: number,
): Promise<StartOutcome> {
  const workflowId = orderWorkflowId(input.resellerId, orderKey.key);
  const attach = orderKey.kind === 'idempotency' || orderKey.concurrent === 'attach';
  const operation = new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
    workflowId,
    taskQueue: TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: attach ? 'USE_EXISTING' : 'FAIL',
    workflowIdReusePolicy: orderKey.kind === 'idempotency' ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: ResellerIdAttr, value: String(input.resellerId) },
      { key: DomainNameAttr, value: input.domain },
      { key: OrderStatusAttr, value: 'pending' },
    ],
  });
  let acceptance: Acceptance;
  try {
    acceptance = await workflowAnswer(
      temporal.workflow.executeUpdateWithStart(acceptanceUpdate, {
        startWorkflowOperation: operation,
      }),
      answerMs,
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return attach ? { kind: 'existing', workflowId } : { kind: 'in_progress', workflowId };
    }
    throw err;
  }
  if (!acceptance.accepted)
    return { kind: 'refused', code: acceptance.code, message: acceptance.message, workflowId };
  const handle = await operation.workflowHandle();
  let done = false;
  if (waitMs > 0 && acceptance.status !== 'awaiting_payment') {
    // Finished either way (completed or failed) within the wait, or not yet (a timeout or a
    // connection error is "not yet": the order is accepted and runs on).
    done = await withTimeout(
      handle.result().then(
        () => true,
        (err: unknown) => err instanceof WorkflowFailedError,
      ),
      waitMs,
    ).catch(() => false);
  }
  return { kind: 'accepted', acceptance, workflowId, done };
}

/** Pays an order's unpaid invoice from the wallet, through the order's workflow. */
export async function payInvoiceFromWallet(
  temporal: Client,
  workflowId: string,
  answerMs: number,
): Promise<WalletPaymentResult> {
  return workflowAnswer(temporal.workflow.getHandle(workflowId).executeUpdate(payFromWalletUpdate), answerMs);
}

export async function findOrder(
  db: Knex,
  where: { resellerId: number } & ({ workflowId: string } | { publicId: string }),
): Promise<OrderRecord | undefined> {
  return (await db('orders').where(where).first()) as OrderRecord | undefined;
}

export async function invoiceForOrder(db: Knex, orderId: number): Promise<InvoiceRecord | undefined> {
  return (await db('invoices').where({ orderId }).first()) as InvoiceRecord | undefined;
}

/** A reseller's orders in a stable order (id ascending), keyset-paginated. */
export async function listOrders(
  db: Knex,
  resellerId: number,
  opts: { limit: number; afterId?: number | undefined },
): Promise<{ items: OrderRecord[]; lastId: number | null; more: boolean }> {
  const rows = (await db('orders')
    .where({ resellerId })
    .modify((q) => {
      if (opts.afterId !== undefined) void q.where('id', '>', opts.afterId);
    })
    .orderBy('id', 'asc')
    .limit(opts.limit + 1)) as OrderRecord[];
  const items = rows.slice(0, opts.limit);
  return { items, lastId: items[items.length - 1]?.id ?? null, more: rows.length > opts.limit };
}

/**
 * Without an Idempotency-Key a renew is deduplicated by time: the same renew (domain, years)
 * placed within this window returns the earlier order instead of renewing twice.
 */
export const RENEW_DEDUPE_MINUTES = 10;

export async function recentRenewal(
  db: Knex,
  resellerId: number,
  domain: string,
  years: number,
): Promise<OrderRecord | undefined> {
  return (await db('orders')
    .where({ resellerId, domainName: domain, action: 'renew', years })
    .whereNotIn('status', ['failed', 'cancelled'])
    .where('createdAt', '>', db.raw(`now() - interval '${RENEW_DEDUPE_MINUTES} minutes'`))
    .orderBy('id', 'desc')
    .first()) as OrderRecord | undefined;
}
