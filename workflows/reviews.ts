import { patched, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  type BillingReviewInput,
  type BillingReviewResult,
  OrderFailures,
  ReviewFailures,
} from './contracts';
import { followUpAtRegistrar } from './domain-reconcile';
import { failureMessage, failureType } from './failures';

/** Bookkeeping and the registrar read: retried while they fail for our own reasons; refusals are final. */
const steps = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...Object.values(ReviewFailures), OrderFailures.BillingFailed],
  },
});

/**
 * Resolves an order that ended `billing_failed`: **capture** reads what the registrar holds,
 * then posts the held funds, records the domain and completes the order in one transaction
 * (`domain.order.completed`); **void** releases the hold (or refunds a paid invoice) and fails
 * the order with the reason (`domain.order.failed`). Either way the resolution is audited with
 * its actor. One run per order (its workflow ID), so a repeated request changes nothing twice.
 */
export async function billingReviewWorkflow(input: BillingReviewInput): Promise<BillingReviewResult> {
  try {
    await steps.beginBillingReview(input.orderId);
    if (input.resolution === 'capture') {
      setCurrentDetails('Capture: reading what the registrar holds, then posting the held funds.');
      await steps.refreshRegistrarResult(input.orderId);
      const completed = await steps.completeOrder(input.orderId);
      // A captured registration is ours now, and the registrar may not show it yet: followed up
      // like any other (runs from before this step started none, and left it pending).
      if (completed.domainId !== null && completed.followUp && patched('review-capture-follow-up'))
        await followUpAtRegistrar({ domainId: completed.domainId, ...completed.followUp });
    } else {
      setCurrentDetails(
        'Void: releasing the held funds (or refunding a paid invoice) and failing the order.',
      );
      await steps.failOrder(input.orderId, 'billing_voided', input.reason);
    }
    const status = await steps.recordReviewResolution(input);
    return { ok: true, resolution: input.resolution, status };
  } catch (err) {
    const type = failureType(err);
    const code =
      type === ReviewFailures.RegistrarMissing
        ? 'registrar_missing'
        : type === ReviewFailures.NotInReview
          ? 'not_in_review'
          : 'review_failed';
    return { ok: false, code, message: failureMessage(err) };
  }
}
