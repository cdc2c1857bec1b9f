import { ApplicationFailure } from '@temporalio/activity';
import { debitWallet, InsufficientBalanceError } from '../src/services/ledger';
import { newPublicId } from '../src/utils/public-ids';
import { emitEvent, invoicePaidData, orderEventData } from '../src/webhooks/events';
import { type InvoiceView, OrderFailures } from '../workflows/contracts';
import type { InvoiceRow } from '../src/db/models';
import { invoiceView } from '../src/services/invoices';
import { LIVE, loadOrder, type OrderActivityDeps } from './order-records';

/** An invoice order's invoice: issued, paid from the wallet, or expired unpaid (which cancels the order). */
export function createOrderInvoiceActivities(deps: OrderActivityDeps) {
  const { db } = deps;

  return {
    async createInvoice(orderId: number): Promise<InvoiceView> {
      const order = await loadOrder(db, orderId);
      return db.transaction(async (trx) => {
        const existing = (await trx('invoices').where({ orderId }).first()) as InvoiceRow | undefined;
        if (existing) return invoiceView(existing);
        const [row] = (await trx('invoices')
          .insert({
            publicId: newPublicId('inv'),
            resellerId: order.resellerId,
            orderId,
            amountMinor: order.amountMinor,
            currency: order.currency,
            status: 'unpaid',
            purpose: 'order',
            workflowId: order.workflowId,
            expiresAt: new Date(Date.now() + deps.invoiceTtlHours * 3600_000),
          })
          .returning('*')) as InvoiceRow[];
        await trx('orders')
          .where({ id: orderId })
          .update({ status: 'awaiting_payment', updatedAt: trx.fn.now() });
        return invoiceView(row!);
      });
    },

    /** Pays the order's invoice from the wallet: a posted debit and the invoice marked paid, atomically. */
    async payInvoiceFromWallet(orderId: number): Promise<InvoiceView> {
      const order = await loadOrder(db, orderId);
      try {
        return await db.transaction(async (trx) => {
          const invoice = (await trx('invoices').where({ orderId }).forUpdate().first()) as
            InvoiceRow | undefined;
          if (!invoice)
            throw ApplicationFailure.nonRetryable(
              'The order has no invoice.',
              OrderFailures.InvoiceNotPayable,
            );
          if (invoice.status === 'paid') return invoiceView(invoice);
          if (invoice.status !== 'unpaid') {
            throw ApplicationFailure.nonRetryable(
              `The invoice is ${invoice.status}.`,
              OrderFailures.InvoiceNotPayable,
            );
          }
          await debitWallet(trx, {
            resellerId: order.resellerId,
            currency: order.currency.trim(),
            amount: BigInt(invoice.amountMinor),
            reference: `invoice:${invoice.id}:wallet`,
            orderId,
            invoiceId: invoice.id,
            description: `invoice ${invoice.publicId}`,
          });
          const [paid] = (await trx('invoices')
            .where({ id: invoice.id })
            .update({ status: 'paid', gateway: 'wallet', paidAt: trx.fn.now(), updatedAt: trx.fn.now() })
            .returning('*')) as InvoiceRow[];
          await emitEvent(
            trx,
            order.resellerId,
            'invoice.paid',
            invoicePaidData({ ...paid!, paidAt: paid!.paidAt! }, 'wallet', order),
          );
          return invoiceView(paid!);
        });
      } catch (err) {
        if (err instanceof InsufficientBalanceError) {
          throw ApplicationFailure.nonRetryable(err.message, OrderFailures.InsufficientBalance);
        }
        throw err;
      }
    },

    /** Expires the unpaid invoice and cancels the order; false when it was paid meanwhile. */
    async expireInvoice(orderId: number): Promise<boolean> {
      return db.transaction(async (trx) => {
        const updated = await trx('invoices')
          .where({ orderId, status: 'unpaid' })
          .update({ status: 'expired', updatedAt: trx.fn.now() });
        const invoice = (await trx('invoices').where({ orderId }).first('status')) as { status: string };
        if (updated === 0 && invoice.status === 'paid') return false;
        const order = await loadOrder(trx, orderId);
        await trx('orders').where({ id: orderId }).whereIn('status', LIVE).update({
          status: 'cancelled',
          failureCode: 'invoice_expired',
          failureMessage: 'The invoice expired unpaid.',
          updatedAt: trx.fn.now(),
        });
        await emitEvent(
          trx,
          order.resellerId,
          'domain.order.failed',
          orderEventData(order, {
            status: 'cancelled',
            failureCode: 'invoice_expired',
            failureMessage: 'The invoice expired unpaid.',
          }),
        );
        return true;
      });
    },
  };
}
