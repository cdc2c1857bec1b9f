import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { OrderRow } from '../src/db/models';
import type { Registrar } from '../src/registrar/types';
import { type BillingReviewInput, type OrderStatus, ReviewFailures } from '../workflows/contracts';
import { auditOrder, loadOrder, registrarFailure } from './order-records';

export interface ReviewActivityDeps {
  db: Knex;
  registrar: Registrar;
}

const resolvedBefore = async (db: Knex | Knex.Transaction, order: Pick<OrderRow, 'publicId'>) =>
  Boolean(
    await db('auditEvents')
      .where({ type: 'review_resolved', subjectType: 'order', subjectId: order.publicId })
      .first('id'),
  );

/** The billing review's steps (see billingReviewWorkflow). */
export function createReviewActivities(deps: ReviewActivityDeps) {
  const { db } = deps;
  return {
    /**
     * Refuses an order that is not waiting for review. One whose resolution an earlier run began
     * (its billing failure recorded, no resolution yet) may be taken up again: the steps are idempotent.
     */
    async beginBillingReview(orderId: number): Promise<void> {
      const order = await loadOrder(db, orderId);
      if (order.status === 'billing_failed') return;
      const failed = (await db('auditEvents')
        .where({ type: 'billing_failed', subjectType: 'order', subjectId: order.publicId })
        .first('id')) as { id: string } | undefined;
      if (failed && !(await resolvedBefore(db, order)) && ['completed', 'failed'].includes(order.status))
        return;
      throw ApplicationFailure.nonRetryable(
        `Order ${order.publicId} is ${order.status}, not waiting for a billing review.`,
        ReviewFailures.NotInReview,
      );
    },

    /** What the registrar holds now becomes the order's registrar result (expiry, privacy). */
    async refreshRegistrarResult(orderId: number): Promise<void> {
      const order = await loadOrder(db, orderId);
      const info = await deps.registrar.info(order.domainName).catch(registrarFailure);
      if (!info)
        throw ApplicationFailure.nonRetryable(
          `The registrar does not hold ${order.domainName}: nothing to capture.`,
          ReviewFailures.RegistrarMissing,
        );
      await db('orders')
        .where({ id: orderId })
        .update({
          registrarResult: {
            ...(order.registrarResult ?? {}),
            expiresAt: info.expiresAt?.toISOString() ?? order.registrarResult?.expiresAt ?? null,
            ...(order.action === 'renew' ? {} : { privacy: info.privacy }),
          },
          updatedAt: db.fn.now(),
        });
    },

    /** Audits the resolution once (with its actor) and closes the order's billing_failed review item. */
    async recordReviewResolution(input: BillingReviewInput): Promise<OrderStatus> {
      return db.transaction(async (trx) => {
        const order = await loadOrder(trx, input.orderId);
        if (!(await resolvedBefore(trx, order))) {
          await auditOrder(
            trx,
            order,
            'review_resolved',
            { resolution: input.resolution, reason: input.reason, status: order.status },
            input.actor,
          );
          await trx('auditEvents')
            .where({ subjectType: 'order', subjectId: order.publicId, type: 'billing_failed' })
            .whereNull('acknowledgedAt')
            .update({ acknowledgedAt: trx.fn.now(), acknowledgedBy: input.actor });
        }
        return order.status;
      });
    },
  };
}
