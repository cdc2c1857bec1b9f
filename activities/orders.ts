import { ApplicationFailure } from '@temporalio/activity';
import {
  captureHold,
  creditWallet,
  holdRef,
  InsufficientBalanceError,
  placeHold,
  voidHold,
} from '../src/services/ledger';
import { emitEvent, orderEventData } from '../src/webhooks/events';
import type { OrderRow } from '../src/db/models';
import {
  BILLING_REVIEW_MESSAGE,
  type CompletedOrder,
  type OpenedOrder,
  OrderFailures,
  type OrderInput,
} from '../workflows/contracts';
import { auditOrder, isUniqueViolation, loadOrder, type OrderActivityDeps, refundRef } from './order-records';

type OpenedRow = { id: number; createdAt: Date };
const opened = (row: OpenedRow): OpenedOrder => ({ id: row.id, createdAt: row.createdAt.toISOString() });

/**
 * The order's own steps, in the order the workflow takes them: open, pay (hold funds, or an
 * invoice paid from the wallet or expiring), processing, then capture and record, or a billing
 * failure kept for review, or compensation.
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
      const existing = (await db('orders').where({ workflowId }).first('id', 'createdAt')) as
        OpenedRow | undefined;
      if (existing) return opened(existing);
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

    /** Reserves the order's amount in the wallet (pending entry); InsufficientBalance is final. */
    async holdFunds(orderId: number): Promise<void> {
      const order = await loadOrder(db, orderId);
      try {
        await placeHold(db, {
          resellerId: order.resellerId,
          currency: order.currency.trim(),
          amount: BigInt(order.amountMinor),
          reference: holdRef(orderId, order.attempt),
          orderId,
          description: `${order.action} ${order.domainName}`,
        });
      } catch (err) {
        if (err instanceof InsufficientBalanceError) {
          throw ApplicationFailure.nonRetryable(err.message, OrderFailures.InsufficientBalance);
        }
        throw err;
      }
    },

    async markProcessing(orderId: number): Promise<void> {
      await db.transaction(async (trx) => {
        const order = await loadOrder(trx, orderId);
        const n = await trx('orders')
          .where({ id: orderId })
          .whereIn('status', ['pending', 'awaiting_payment'])
          .update({ status: 'processing', updatedAt: trx.fn.now() });
        if (n > 0)
          await emitEvent(
            trx,
            order.resellerId,
            'domain.order.processing',
            orderEventData(order, { status: 'processing' }),
          );
      });
    },

    /**
     * Registers or renews at the registrar. Idempotent: before acting it asks the registrar
     * whether an earlier attempt (whose answer was lost) already took effect.
     */
    async completeOrder(orderId: number): Promise<CompletedOrder> {
      return db
        .transaction(async (trx): Promise<CompletedOrder> => {
          const order = (await trx('orders').where({ id: orderId }).forUpdate().first()) as OrderRow;
          if (order.status === 'completed')
            return { domainId: order.domainId, completedAt: new Date(order.completedAt!).toISOString() };
          if (!order.registrarResult) throw new Error(`order ${orderId} has no registrar result`);
          const expiresAt = order.registrarResult.expiresAt
            ? new Date(order.registrarResult.expiresAt)
            : null;
          if (order.paymentMethod === 'wallet') await captureHold(trx, holdRef(orderId, order.attempt));
          let domainId = order.domainId;
          if (order.action === 'renew') {
            await trx('domains').where({ id: domainId }).update({ expiresAt, updatedAt: trx.fn.now() });
          } else if (domainId !== null) {
            // A transfer of a domain already in the account: its row now says what the registrar holds.
            await trx('domains')
              .where({ id: domainId })
              .update({
                status: 'active',
                expiresAt,
                privacy: order.registrarResult.privacy ?? 'off',
                ...(order.request.autoRenew == null ? {} : { autoRenew: order.request.autoRenew }),
                updatedAt: trx.fn.now(),
              });
          } else {
            const [domain] = (await trx('domains')
              .insert({
                resellerId: order.resellerId,
                name: order.domainName,
                status: 'active',
                registeredAt: trx.fn.now(),
                expiresAt,
                autoRenew: order.request.autoRenew ?? false,
                // What the registrar holds, never merely what was asked for.
                privacy: order.registrarResult.privacy ?? 'off',
                // What the nameserver step left at the registrar (runs before it: what was asked).
                nameservers: order.registrarResult.nameservers ?? order.request.nameservers ?? [],
              })
              .returning('id')) as Array<{ id: number }>;
            domainId = domain!.id;
          }
          const [done] = (await trx('orders')
            .where({ id: orderId })
            .update({
              status: 'completed',
              domainId,
              authCode: null,
              completedAt: trx.fn.now(),
              updatedAt: trx.fn.now(),
            })
            .returning('completedAt')) as Array<{ completedAt: Date }>;
          const ledger = (await trx('ledger_entries')
            .where({ orderId })
            .orWhere('invoiceId', trx('invoices').select('id').where({ orderId }))
            .select('id', 'kind', 'status', 'amountMinor')) as Array<Record<string, unknown>>;
          await auditOrder(trx, order, 'reconciliation', {
            action: order.action,
            domain_name: order.domainName,
            amount_minor: String(order.amountMinor),
            currency: order.currency.trim(),
            payment_method: order.paymentMethod,
            registrar_expires_at: order.registrarResult.expiresAt,
            ledger_entries: ledger,
          });
          await emitEvent(
            trx,
            order.resellerId,
            'domain.order.completed',
            orderEventData(order, { status: 'completed', expiresAt: order.registrarResult.expiresAt }),
          );
          return { domainId, completedAt: done!.completedAt.toISOString() };
        })
        .catch((err: unknown) => {
          // A constraint or data error is the same on every retry: straight to review.
          const code = (err as { code?: unknown }).code;
          if (typeof code === 'string' && /^2[23]/.test(code))
            throw ApplicationFailure.nonRetryable((err as Error).message, OrderFailures.BillingFailed);
          throw err;
        });
    },

    /** The registrar succeeded but local billing failed: kept for admin review, never retried blindly. */
    async recordBillingFailure(orderId: number, message: string): Promise<void> {
      await db.transaction(async (trx) => {
        const order = await loadOrder(trx, orderId);
        await trx('orders').where({ id: orderId }).update({
          status: 'billing_failed',
          failureCode: 'billing_failed',
          // What the reseller reads; the internal error stays in the audit event.
          failureMessage: BILLING_REVIEW_MESSAGE,
          updatedAt: trx.fn.now(),
        });
        await auditOrder(trx, order, 'billing_failed', {
          domain_name: order.domainName,
          registrar_result: order.registrarResult,
          error: message.slice(0, 500),
        });
      });
    },

    /** Compensation: void the hold or refund a paid invoice to the wallet; mark the order failed. */
    async failOrder(orderId: number, code: string, message: string): Promise<void> {
      await db.transaction(async (trx) => {
        const order = (await trx('orders').where({ id: orderId }).forUpdate().first()) as OrderRow;
        if (order.status === 'failed' || order.status === 'completed') return;
        if (order.paymentMethod === 'wallet') await voidHold(trx, holdRef(orderId, order.attempt));
        else {
          const invoice = (await trx('invoices').where({ orderId }).first('id', 'status', 'amountMinor')) as
            { id: number; status: string; amountMinor: string } | undefined;
          if (invoice?.status === 'paid') {
            await creditWallet(trx, {
              resellerId: order.resellerId,
              currency: order.currency.trim(),
              amount: BigInt(invoice.amountMinor),
              kind: 'refund',
              reference: refundRef(orderId),
              orderId,
              invoiceId: invoice.id,
              description: `refund: ${order.action} ${order.domainName} failed`,
            });
          }
        }
        await trx('orders')
          .where({ id: orderId })
          .update({
            status: 'failed',
            failureCode: code,
            failureMessage: message.slice(0, 500),
            // A transfer that may be resumed (`domains:retry-provisioning`) keeps its sealed code.
            ...(code === 'registrar_failed' ? {} : { authCode: null }),
            updatedAt: trx.fn.now(),
          });
        await emitEvent(
          trx,
          order.resellerId,
          'domain.order.failed',
          orderEventData(order, { status: 'failed', failureCode: code, failureMessage: message }),
        );
      });
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
