import type { WorkflowStarter } from '../temporal/queues';
import { orderLabel, type ResellerRef, runOptions } from '../../workflows/summaries';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
} from '@temporalio/client';
import type { orderWorkflow } from '../../workflows';
import {
  type Acceptance,
  DomainNameAttr,
  type OrderInput,
  type OrderResult,
  OrderIdAttr,
  orderWorkflowId,
  OrderStatusAttr,
  ResellerIdAttr,
} from '../../workflows/contracts';
import { acceptanceUpdate, payFromWalletUpdate } from '../../workflows/messages';
import type { WalletPaymentResult } from '../../workflows/contracts';
import { resultWithin, workflowAnswer } from '../temporal/client';

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
      /** The workflow's result when it finished within the wait; `failed` when it ended in an error. */
      result: OrderResult | 'failed' | null;
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
  { temporal, taskQueue }: WorkflowStarter,
  input: OrderInput,
  /** Whose order: named in the run's summary in the Temporal UI. */
  reseller: ResellerRef,
  orderKey: OrderKey,
  waitMs: number,
  /** How long to wait for the workflow to accept or refuse (WORKFLOW_ANSWER_TIMEOUT_MS). */
  answerMs: number,
): Promise<StartOutcome> {
  const workflowId = orderWorkflowId(input.resellerId, orderKey.key);
  const attach = orderKey.kind === 'idempotency' || orderKey.concurrent === 'attach';
  const operation = new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: attach ? 'USE_EXISTING' : 'FAIL',
    workflowIdReusePolicy: orderKey.kind === 'idempotency' ? 'REJECT_DUPLICATE' : 'ALLOW_DUPLICATE',
    ...runOptions(orderLabel(input, reseller), [
      { key: ResellerIdAttr, value: String(input.resellerId) },
      { key: DomainNameAttr, value: input.domain },
      { key: OrderStatusAttr, value: 'pending' },
      // (Runs of steps 2 do not upsert it themselves.)
      { key: OrderIdAttr, value: input.publicId },
    ]),
  });
  let acceptance: Acceptance;
  try {
    acceptance = await workflowAnswer(temporal, answerMs, () =>
      temporal.workflow.executeUpdateWithStart(acceptanceUpdate, {
        startWorkflowOperation: operation,
      }),
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
  let result: OrderResult | 'failed' | null = null;
  if (waitMs > 0 && acceptance.status !== 'awaiting_payment') {
    // Finished within the wait, or not yet (a timeout or a connection error is "not yet": the
    // order is accepted and runs on).
    result = await resultWithin<OrderResult>(temporal, handle, waitMs).catch((err: unknown) =>
      err instanceof WorkflowFailedError ? 'failed' : null,
    );
  }
  return { kind: 'accepted', acceptance, workflowId, result };
}

/** Pays an order's unpaid invoice from the wallet, through the order's workflow. */
export async function payInvoiceFromWallet(
  temporal: Client,
  workflowId: string,
  answerMs: number,
): Promise<WalletPaymentResult> {
  return workflowAnswer(temporal, answerMs, () =>
    temporal.workflow.getHandle(workflowId).executeUpdate(payFromWalletUpdate),
  );
}
