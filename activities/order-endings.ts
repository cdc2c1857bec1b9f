import { ApplicationFailure } from '@temporalio/activity';
import { captureHold, creditWallet, holdRef, voidHold } from '../src/services/ledger';
import { emitEvent, orderEventData } from '../src/webhooks/events';
import type { OrderRow } from '../src/db/models';
import { BILLING_REVIEW_MESSAGE, type CompletedOrder, OrderFailures } from '../workflows/contracts';
import { auditOrder, loadOrder, type OrderActivityDeps, refundRef } from './order-records';

/**
 * How an order ends: completed (the hold captured and the domain recorded as the registrar holds
 * it), billing failed after the registrar acted (kept for review, never retried blindly), or
 * failed with its money given back (the hold voided or the paid invoice refunded to the wallet).
 */
export function createOrderEndingActivities(deps: OrderActivityDeps) {
  const { db } = deps;

  return {
    /**
     * One transaction: capture the hold (wallet orders), create or update the domain, complete
     * the order, write the reconciliation audit event and the completion event. Idempotent: a
     * completed order answers what it recorded.
     */
    async completeOrder(orderId: number): Promise<CompletedOrder> {
      return db
        .transaction(async (trx): Promise<CompletedOrder> => {
          const order = (await trx('orders').where({ id: orderId }).forUpdate().first()) as OrderRow;
          const followUp =
            order.action === 'register'
              ? {
                  domain: order.domainName,
                  resellerId: order.resellerId,
                  firstLookAfterMs: deps.registrarLagMs,
                }
              : undefined;
          if (order.status === 'completed')
            return {
              domainId: order.domainId,
              completedAt: new Date(order.completedAt!).toISOString(),
              followUp,
            };
          if (!order.registrarResult) throw new Error(`order ${orderId} has no registrar result`);
          const expiresAt = order.registrarResult.expiresAt
            ? new Date(order.registrarResult.expiresAt)
            : null;
          if (order.paymentMethod === 'wallet') await captureHold(trx, holdRef(orderId, order.attempt));
          let domainId = order.domainId;
          // What the reseller paid for a year of it: the next auto-renewal is held when its price
          // rose past the allowed share of this.
          const lastPaid = {
            lastPaidMinor: (BigInt(order.amountMinor) / BigInt(Math.max(order.years, 1))).toString(),
            lastPaidCurrency: order.currency.trim(),
          };
          if (order.action === 'renew') {
            await trx('domains')
              .where({ id: domainId })
              .update({ expiresAt, ...lastPaid, renewalHeld: null, updatedAt: trx.fn.now() });
          } else if (domainId !== null) {
            // A transfer of a domain already in the account: its row now says what the registrar holds.
            await trx('domains')
              .where({ id: domainId })
              .update({
                status: 'active',
                expiresAt,
                privacy: order.registrarResult.privacy ?? 'off',
                ...lastPaid,
                ...(order.request.autoRenew == null ? {} : { autoRenew: order.request.autoRenew }),
                updatedAt: trx.fn.now(),
              });
          } else {
            // What the registrar was sent (a handle's people are kept on the order when sent).
            const refs = order.request.contactRefs ?? null;
            const contacts = order.request.contacts ?? null;
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
                // What we sent: answered from here while the registrar does not show it yet.
                contacts: contacts ? JSON.stringify(contacts) : null,
                registrantContactId: refs?.registrant ?? null,
                adminContactId: refs?.admin ?? null,
                contactIds: order.registrarContacts ? JSON.stringify(order.registrarContacts) : null,
                registrarPendingSince: order.action === 'register' ? trx.fn.now() : null,
                registrarSyncedAt: order.action === 'register' ? null : trx.fn.now(),
                premium: order.action === 'register' && order.premium,
                ...lastPaid,
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
          return { domainId, completedAt: done!.completedAt.toISOString(), followUp };
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
