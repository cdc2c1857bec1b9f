import { queueFor, type QueueConfig } from '../temporal/queues';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { type AuditEvent, Domain, type OrderRow } from '../db/models';
import { resultWithin } from '../temporal/client';
import { TimeoutError } from '../timeout';
import type { billingReviewWorkflow } from '../../workflows';
import {
  type BillingReviewInput,
  type BillingReviewResult,
  billingReviewWorkflowId,
  OrderIdAttr,
  ResellerIdAttr,
} from '../../workflows/contracts';
import { reviewLabel, runOptions } from '../../workflows/summaries';
import { type Actor, listAuditEvents } from './audit';
import { conflict, notFound, unprocessable, validationFailed } from './errors';

/** Audit event kinds an operator looks at: money or registrar state that needs a human. */
export const REVIEW_EVENT_TYPES = [
  'billing_failed',
  'payment_mismatch',
  'registrar_drift',
  'late_payment',
  'transfer_stuck',
  'transfer_cancel_refused',
  'nameservers_not_applied',
] as const;

export interface ReviewOrder {
  order: OrderRow;
  /** What the registrar held when billing failed. */
  failedAt: Date;
  /** The billing failure's internal error (the reseller sees only the review message). */
  error: string | null;
}

/** Orders waiting for a capture or void decision, oldest first. */
export async function billingFailedOrders(
  db: Knex,
  opts: { resellerId?: number | undefined; limit?: number } = {},
): Promise<ReviewOrder[]> {
  const rows = (await db('orders as o')
    .leftJoin('auditEvents as a', (j) =>
      j
        .on('a.subjectId', 'o.publicId')
        .andOnVal('a.subjectType', 'order')
        .andOnVal('a.type', 'billing_failed'),
    )
    .where('o.status', 'billing_failed')
    .modify((q) => {
      if (opts.resellerId !== undefined) void q.where('o.resellerId', opts.resellerId);
    })
    .orderBy('o.updatedAt')
    .limit(opts.limit ?? 200)
    .select('o.*', 'a.data as auditData', 'a.createdAt as failedAt')) as Array<
    OrderRow & { auditData: { error?: string } | null; failedAt: Date | null }
  >;
  return rows.map(({ auditData, failedAt, ...order }) => ({
    order,
    failedAt: failedAt ?? order.updatedAt,
    error: auditData?.error ?? null,
  }));
}

/** The review queue: billing_failed orders, and audit events of the review kinds nobody acknowledged. */
export async function reviewQueue(
  db: Knex,
  opts: {
    resellerId?: number | undefined;
    types?: readonly string[] | undefined;
    beforeId?: string | undefined;
    limit: number;
  },
): Promise<{ orders: ReviewOrder[]; events: AuditEvent[]; nextBeforeId: string | null }> {
  const types = opts.types && opts.types.length > 0 ? opts.types : REVIEW_EVENT_TYPES;
  const unknown = types.filter((t) => !(REVIEW_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw validationFailed({ types: [`Review kinds are ${REVIEW_EVENT_TYPES.join(', ')}.`] });
  const [orders, events] = await Promise.all([
    billingFailedOrders(db, { resellerId: opts.resellerId }),
    listAuditEvents(db, {
      resellerId: opts.resellerId,
      types,
      acknowledged: false,
      beforeId: opts.beforeId,
      limit: opts.limit,
    }),
  ]);
  return { orders, events: events.items, nextBeforeId: events.nextBeforeId };
}

export type ReviewOutcome =
  | { done: true; result: BillingReviewResult; order: OrderRow; domain: Domain | null }
  | { done: false; workflowId: string };

/**
 * Resolves a billing_failed order by capture or void, as a durable workflow (one per order: a
 * repeated request attaches to the first and changes nothing twice), and waits up to `waitMs`.
 */
export async function resolveBillingFailure(
  deps: { db: Knex; temporal: Client; config: QueueConfig },
  actor: Actor,
  orderPublicId: string,
  req: { resolution: 'capture' | 'void'; reason: string },
  waitMs: number,
): Promise<ReviewOutcome> {
  if (req.reason.trim().length < 3)
    throw validationFailed({ reason: ['Say why, in at least 3 characters (it goes to the audit trail).'] });
  const order = (await deps.db('orders').where({ publicId: orderPublicId }).first()) as OrderRow | undefined;
  if (!order) throw notFound('Order not found.', 'order_not_found');
  const workflowId = billingReviewWorkflowId(order.id);
  const answer = async (result: BillingReviewResult): Promise<ReviewOutcome> => {
    if (result.ok && result.resolution !== req.resolution)
      throw conflict('already_resolved', `The order was already resolved by ${result.resolution}.`);
    const after = (await deps.db('orders').where({ id: order.id }).first()) as OrderRow;
    const domain = after.domainId ? ((await Domain.query(deps.db).findById(after.domainId)) ?? null) : null;
    return { done: true, result, order: after, domain };
  };
  if (order.status !== 'billing_failed') {
    // Resolved before: the same request answers the same; the other resolution is a conflict.
    const resolved = (await deps
      .db('auditEvents')
      .where({ type: 'review_resolved', subjectType: 'order', subjectId: order.publicId })
      .first('data')) as { data: { resolution: 'capture' | 'void' } } | undefined;
    if (resolved) return answer({ ok: true, resolution: resolved.data.resolution, status: order.status });
    const running = await deps.temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.status.name === 'RUNNING')
      .catch(() => false);
    if (!running)
      throw unprocessable('not_in_review', `The order is ${order.status}, not waiting for a billing review.`);
  }
  // One review runs per order at a time (a concurrent request attaches to it); a refused or
  // failed one may be tried again.
  const input: BillingReviewInput = {
    orderId: order.id,
    resolution: req.resolution,
    reason: req.reason.trim(),
    actor,
  };
  const handle = await deps.temporal.workflow.start<typeof billingReviewWorkflow>('billingReviewWorkflow', {
    taskQueue: queueFor(deps.config, 'billingReviewWorkflow'),
    workflowId,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    ...runOptions(reviewLabel(input, { publicId: order.publicId, domain: order.domainName }), [
      { key: ResellerIdAttr, value: String(order.resellerId) },
      { key: OrderIdAttr, value: order.publicId },
    ]),
  });
  let result: BillingReviewResult;
  try {
    result = await resultWithin<BillingReviewResult>(deps.temporal, handle, waitMs);
  } catch (err) {
    if (err instanceof TimeoutError) return { done: false, workflowId };
    throw err;
  }
  return answer(result);
}
/** Unresolved review items for doctor: billing_failed orders and unacknowledged review events. */
export async function pendingReviews(db: Knex): Promise<Array<{ check: string; detail: string }>> {
  const { orders, events } = await reviewQueue(db, { limit: 50 });
  return [
    ...orders.map((o) => ({
      check: 'billing_failed order',
      detail: `${o.order.publicId} ${o.order.action} ${o.order.domainName} (reseller ${o.order.resellerId}) since ${o.failedAt.toISOString()}`,
    })),
    // A billing_failed event stands for its order, listed above.
    ...events
      .filter((e) => e.type !== 'billing_failed')
      .map((e) => ({
        check: `${e.type} event`,
        detail: `#${e.id} ${e.subjectType ?? ''} ${e.subjectId ?? ''} (reseller ${e.resellerId ?? '-'}) at ${e.createdAt.toISOString()}`,
      })),
  ];
}
