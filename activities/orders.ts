import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { OrderRow } from '../src/db/models';
import { holdIn, holdRef, InsufficientBalanceError, placeHold } from '../src/services/ledger';
import { emitEvent, orderEventData } from '../src/webhooks/events';
import { type OpenedOrder, OrderFailures, type OrderInput } from '../workflows/contracts';
import { isUniqueViolation, loadOrder, type OrderActivityDeps } from './order-records';

type OpenedRow = { id: number; createdAt: Date };
/** An order in one of these has ended: a new run under its workflow ID is another order. */
const ENDED = ['failed', 'cancelled', 'completed'];
const opened = (row: OpenedRow): OpenedOrder => ({ id: row.id, createdAt: row.createdAt.toISOString() });

/**
 * The order's first steps, in the order the workflow takes them: open, hold funds (wallet orders;
 * invoices are in order-invoices.ts), processing. How an order ends is in order-endings.ts.
 */
export function createOrderActivities(deps: OrderActivityDeps) {
  const { db } = deps;

  return {
    /** Inserts the order row (idempotent on the workflow ID); refuses a second live acquisition of a domain. */
    async openOrder(input: OrderInput, workflowId: string): Promise<OpenedOrder> {
      if (input.resumeOrderId) {
        // Resume: the same order row, a new attempt, paid from the wallet (where a refund went).
        const resumed = (await db('orders')
          .where({ id: input.resumeOrderId })
          .where((q) => {
            void q.where('status', 'failed').orWhere('workflowId', workflowId);
          })
          .update({
            workflowId,
            status: 'pending',
            paymentMethod: 'wallet',
            failureCode: null,
            failureMessage: null,
            registrarResult: null,
            attempt: db.raw('CASE WHEN workflow_id = ? THEN attempt ELSE attempt + 1 END', [workflowId]),
            updatedAt: db.fn.now(),
          })
          .returning(['id', 'createdAt'])) as OpenedRow[];
        if (!resumed[0])
          throw ApplicationFailure.nonRetryable(
            'The order cannot be resumed.',
            OrderFailures.OrderInProgress,
          );
        return opened(resumed[0]);
      }
      const existing = (await db('orders')
        .where({ workflowId })
        .first('id', 'createdAt', 'publicId', 'status')) as
        (OpenedRow & { publicId: string; status: string }) | undefined;
      if (existing && (existing.publicId === input.publicId || !ENDED.includes(existing.status)))
        return opened(existing);
      if (existing) {
        // An earlier order under the same natural key (no Idempotency-Key) ended: this run is a
        // new order with its own row, hold and price; the ended one keeps its public ID and
        // leaves the workflow ID to it.
        await db('orders')
          .where({ id: existing.id })
          .update({ workflowId: `${workflowId}#${existing.id}` });
      }
      let domainId: number | null = null;
      if (input.action === 'register' || input.action === 'transfer') {
        const taken = (await db('domains').where({ name: input.domain }).first('id', 'resellerId')) as
          { id: number; resellerId: number } | undefined;
        if (taken && input.action === 'transfer' && taken.resellerId === input.resellerId) {
          // A domain in the account but not at our registrar (the API checked): transferred in place.
          domainId = taken.id;
        } else if (taken) {
          throw ApplicationFailure.nonRetryable(
            taken.resellerId === input.resellerId
              ? 'The domain is already in your account.'
              : 'The domain is not available.',
            OrderFailures.DomainUnavailable,
          );
        }
      } else {
        const owned = (await db('domains')
          .where({ name: input.domain, resellerId: input.resellerId })
          .first('id')) as { id: number } | undefined;
        if (!owned)
          throw ApplicationFailure.nonRetryable(
            'Domain not found in your account.',
            OrderFailures.DomainUnavailable,
          );
        domainId = owned.id;
      }
      try {
        const [row] = (await db('orders')
          .insert({
            publicId: input.publicId,
            resellerId: input.resellerId,
            action: input.action,
            domainName: input.domain,
            years: input.years,
            status: 'pending',
            paymentMethod: input.paymentMethod,
            amountMinor: input.amountMinor,
            currency: input.currency,
            costMinor: input.costMinor ?? null,
            costCurrency: input.costCurrency ?? null,
            exchangeRate: input.exchangeRate ?? null,
            workflowId,
            idempotencyKey: input.idempotencyKey,
            premium: input.premium,
            fromExpiresAt: input.fromExpiresAt,
            authCode: input.sealedAuthCode,
            domainId,
            request: {
              nameservers: input.nameservers,
              contacts: input.contacts,
              ...(input.contactRefs ? { contactRefs: input.contactRefs } : {}),
              privacy: input.privacy,
              autoRenew: input.autoRenew,
            },
          })
          .returning(['id', 'createdAt'])) as OpenedRow[];
        return opened(row!);
      } catch (err) {
        if (isUniqueViolation(err, 'orders_one_live_acquisition_per_domain')) {
          throw ApplicationFailure.nonRetryable(
            'Another registration or transfer of this domain is in progress.',
            OrderFailures.OrderInProgress,
          );
        }
        if (isUniqueViolation(err)) {
          const again = (await db('orders').where({ workflowId }).first('id', 'createdAt')) as
            OpenedRow | undefined;
          if (again) return opened(again);
        }
        throw err;
      }
    },

    /**
     * Reserves the order's amount in the wallet (pending entry); InsufficientBalance is final.
     * With `then: 'processing'`, the order's move to processing (and its event) in the same
     * transaction, as `markProcessing` would make it.
     */
    async holdFunds(orderId: number, then?: 'processing'): Promise<void> {
      const order = await loadOrder(db, orderId);
      const hold = {
        resellerId: order.resellerId,
        currency: order.currency.trim(),
        amount: BigInt(order.amountMinor),
        reference: holdRef(orderId, order.attempt),
        orderId,
        description: `${order.action} ${order.domainName}`,
      };
      try {
        if (then === 'processing')
          await db.transaction(async (trx) => {
            await holdIn(trx, hold);
            await toProcessing(trx, order);
          });
        else await placeHold(db, hold);
      } catch (err) {
        if (err instanceof InsufficientBalanceError) {
          throw ApplicationFailure.nonRetryable(err.message, OrderFailures.InsufficientBalance);
        }
        throw err;
      }
    },

    async markProcessing(orderId: number): Promise<void> {
      await db.transaction(async (trx) => toProcessing(trx, await loadOrder(trx, orderId)));
    },
  };
}

/** A pending or paid order moves to processing, told once (`domain.order.processing`). */
async function toProcessing(trx: Knex.Transaction, order: OrderRow): Promise<void> {
  const n = await trx('orders')
    .where({ id: order.id })
    .whereIn('status', ['pending', 'awaiting_payment'])
    .update({ status: 'processing', updatedAt: trx.fn.now() });
  if (n > 0)
    await emitEvent(
      trx,
      order.resellerId,
      'domain.order.processing',
      orderEventData(order, { status: 'processing' }),
    );
}
