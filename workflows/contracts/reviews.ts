/** The billing review: an operator resolves an order whose billing failed after the registrar succeeded. Workflow-safe: no Node built-ins. */
import { type OrderStatus } from '../../src/vocabulary';

/** An admin's resolution of an order whose billing failed after the registrar succeeded. */
export interface BillingReviewInput {
  orderId: number;
  /** capture: post the held funds and complete the order; void: release them and fail it. */
  resolution: 'capture' | 'void';
  reason: string;
  /** Who resolved it (admin:<id>, cli:<user>). */
  actor: string;
}

export type BillingReviewResult =
  | { ok: true; resolution: 'capture' | 'void'; status: OrderStatus }
  | { ok: false; code: string; message: string };

/** One review per order: a second request attaches to the first (and a failed one may be retried). */
export const billingReviewWorkflowId = (orderId: number): string => `review:${orderId}`;

export const ReviewFailures = {
  /** The registrar does not hold the domain: nothing to charge for. */
  RegistrarMissing: 'RegistrarMissing',
  /** The order is not (any more) waiting for a billing review. */
  NotInReview: 'NotInReview',
} as const;
