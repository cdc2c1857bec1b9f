import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Logger } from '../src/logger';
import type { Gateways } from '../src/payments';
import { GatewayError } from '../src/payments/types';
import { creditWallet } from '../src/services/ledger';
import type {
  GatewayChoice,
  GatewayPayment,
  InvoiceView,
  PaidSignal,
  TopupInput,
} from '../workflows/contracts';
import { emitEvent, invoicePaidData } from '../src/webhooks/events';
import { invoiceView } from '../src/services/invoices';
import type { InvoiceRow } from '../src/db/models';

export interface PaymentActivityDeps {
  db: Knex;
  log: Logger;
  gateways: Gateways;
  invoiceTtlHours: number;
}

export function createPaymentActivities(deps: PaymentActivityDeps) {
  const { db } = deps;

  const loadInvoice = async (trx: Knex | Knex.Transaction, id: number, lock = false): Promise<InvoiceRow> => {
    const q = trx('invoices').where({ id });
    const row = (await (lock ? q.forUpdate() : q).first()) as InvoiceRow | undefined;
    if (!row) throw new Error(`invoice ${id} not found`);
    return row;
  };

  const paymentRef = (p: PaidSignal) => `payment:${p.gateway}:${p.attemptRef ?? p.reference}`;

  return {
    /**
     * Creates the invoice's payment at its gateway. The attempt row is stored before the call, so a
     * callback always finds its invoice; each retry is a new attempt (Midtrans order_ids are single-use).
     * A refusal leaves the invoice payable from the wallet.
     */
    async createGatewayPayment(invoiceId: number, choice: GatewayChoice): Promise<GatewayPayment | null> {
      const invoice = await loadInvoice(db, invoiceId);
      if (invoice.status !== 'unpaid') return null;
      const gateway = deps.gateways.pick(invoice.currency.trim(), choice);
      if (!gateway) return null;
      const attemptRef = `${invoice.publicId}-${activityInfo().attempt}`;
      const [payment] = (await db('payments')
        .insert({
          resellerId: invoice.resellerId,
          invoiceId,
          gateway: gateway.name,
          attemptRef,
          amountMinor: invoice.amountMinor,
          currency: invoice.currency,
        })
        .onConflict('attemptRef')
        .merge(['amountMinor'])
        .returning('id')) as Array<{ id: number }>;
      try {
        const created = await gateway.createPayment({
          attemptRef,
          amountMinor: BigInt(invoice.amountMinor),
          currency: invoice.currency.trim(),
          description: `Invoice ${invoice.publicId}`,
          expiresAt: new Date(invoice.expiresAt),
        });
        await db.transaction(async (trx) => {
          await trx('payments')
            .where({ id: payment!.id })
            .update({ gatewayId: created.gatewayId, paymentUrl: created.paymentUrl });
          await trx('invoices')
            .where({ id: invoiceId })
            .update({ gateway: gateway.name, paymentUrl: created.paymentUrl });
        });
        return { gateway: gateway.name, paymentUrl: created.paymentUrl };
      } catch (err) {
        await db('payments').where({ id: payment!.id }).update({ status: 'failed' });
        if (err instanceof GatewayError && !err.retryable) {
          deps.log.warn(
            { invoice: invoice.publicId, err: err.message },
            'gateway refused the payment; wallet payment only',
          );
          return null;
        }
        throw err;
      }
    },

    /**
     * Applies a verified gateway payment to an unpaid invoice, once: invoice paid, attempt paid,
     * top-ups credited to the wallet, `invoice.paid` recorded. Anything else is reported, not applied.
     */
    async applyInvoicePayment(
      invoiceId: number,
      payment: PaidSignal,
    ): Promise<'applied' | 'already_paid' | 'not_payable'> {
      return db.transaction(async (trx) => {
        const invoice = await loadInvoice(trx, invoiceId, true);
        if (invoice.status === 'paid') return 'already_paid';
        if (invoice.status !== 'unpaid') return 'not_payable';
        const [paid] = (await trx('invoices')
          .where({ id: invoiceId })
          .update({
            status: 'paid',
            gateway: payment.gateway,
            gatewayReference: payment.reference,
            paidAt: trx.fn.now(),
            updatedAt: trx.fn.now(),
          })
          .returning('paidAt')) as Array<{ paidAt: Date }>;
        if (payment.attemptRef) {
          await trx('payments')
            .where({ attemptRef: payment.attemptRef })
            .update({ status: 'paid', paidAt: trx.fn.now() });
        }
        if (invoice.purpose === 'topup') {
          await creditWallet(trx, {
            resellerId: invoice.resellerId,
            currency: invoice.currency.trim(),
            amount: BigInt(invoice.amountMinor),
            kind: 'topup',
            reference: `topup:${invoiceId}`,
            invoiceId,
            description: `top-up ${invoice.publicId} via ${payment.gateway}`,
          });
        }
        const order = invoice.orderId
          ? ((await trx('orders').where({ id: invoice.orderId }).first('publicId', 'domainName')) as
              { publicId: string; domainName: string } | undefined)
          : undefined;
        await emitEvent(
          trx,
          invoice.resellerId,
          'invoice.paid',
          invoicePaidData({ ...invoice, paidAt: paid!.paidAt }, payment.gateway, order ?? null),
        );
        return 'applied';
      });
    },

    /** A paid callback whose amount or currency differs from the invoice: recorded for review, not applied. */
    async recordPaymentMismatch(invoiceId: number, payment: PaidSignal): Promise<void> {
      const invoice = await loadInvoice(db, invoiceId);
      await db('auditEvents').insert({
        resellerId: invoice.resellerId,
        type: 'payment_mismatch',
        subjectType: 'invoice',
        subjectId: invoice.publicId,
        data: {
          expected: { amount_minor: String(invoice.amountMinor), currency: invoice.currency.trim() },
          received: {
            amount_minor: payment.amountMinor,
            currency: payment.currency,
            gateway: payment.gateway,
            reference: payment.reference,
          },
        },
      });
    },

    /**
     * Money that arrived for an invoice that can no longer take it (expired, or already paid by
     * another attempt): credited to the wallet once per gateway payment, never lost.
     */
    async creditUnappliedPayment(invoiceId: number, payment: PaidSignal, reason: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        const invoice = await loadInvoice(trx, invoiceId, true);
        // This very payment is the one that paid the invoice: nothing to credit.
        if (invoice.status === 'paid' && invoice.gatewayReference === payment.reference) return false;
        const currency = payment.currency.trim();
        const { created } = await creditWallet(trx, {
          resellerId: invoice.resellerId,
          currency,
          amount: BigInt(payment.amountMinor),
          kind: 'refund',
          reference: paymentRef(payment),
          invoiceId,
          description: `${reason}: ${payment.gateway} payment for ${invoice.publicId} credited to the wallet`,
        });
        if (!created) return false;
        if (payment.attemptRef) {
          await trx('payments')
            .where({ attemptRef: payment.attemptRef })
            .update({ status: 'paid', paidAt: trx.fn.now() });
        }
        await trx('auditEvents').insert({
          resellerId: invoice.resellerId,
          type: 'late_payment',
          subjectType: 'invoice',
          subjectId: invoice.publicId,
          data: {
            reason,
            invoice_status: invoice.status,
            amount_minor: payment.amountMinor,
            currency,
            gateway: payment.gateway,
            reference: payment.reference,
          },
        });
        return true;
      });
    },

    async createTopupInvoice(input: TopupInput, workflowId: string): Promise<InvoiceView> {
      const existing = (await db('invoices').where({ publicId: input.invoicePublicId }).first()) as
        InvoiceRow | undefined;
      if (existing) return invoiceView(existing);
      const [row] = (await db('invoices')
        .insert({
          publicId: input.invoicePublicId,
          resellerId: input.resellerId,
          amountMinor: input.amountMinor,
          currency: input.currency,
          status: 'unpaid',
          purpose: 'topup',
          workflowId,
          expiresAt: new Date(Date.now() + deps.invoiceTtlHours * 3600_000),
        })
        .returning('*')) as InvoiceRow[];
      return invoiceView(row!);
    },

    /** Expires an unpaid invoice; false when it was paid meanwhile. */
    async expireUnpaidInvoice(invoiceId: number): Promise<boolean> {
      const n = await db('invoices')
        .where({ id: invoiceId, status: 'unpaid' })
        .update({ status: 'expired', updatedAt: db.fn.now() });
      if (n > 0) return true;
      const invoice = await loadInvoice(db, invoiceId);
      if (invoice.status === 'paid') return false;
      throw ApplicationFailure.nonRetryable(`invoice ${invoice.publicId} is ${invoice.status}`);
    },
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
