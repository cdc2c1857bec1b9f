import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Acceptance, InvoiceView, LatePaymentInput, PaidSignal, TopupInput } from './contracts';
import { awaitInvoicePayment, issueGatewayPayment } from './invoices';
import { acceptanceUpdate, paidSignal } from './messages';

const db = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds' },
});

/**
 * A wallet top-up: an invoice with a gateway payment; the verified `paid` callback credits the
 * wallet exactly once. Payments after expiry are credited too (by `latePaymentWorkflow`).
 */
export async function topupWorkflow(input: TopupInput): Promise<{ status: InvoiceView['status'] }> {
  const incoming: PaidSignal[] = [];
  const accepted: { value?: Acceptance } = {};
  setHandler(paidSignal, (p) => {
    incoming.push(p);
  });
  setHandler(acceptanceUpdate, async () => {
    await condition(() => accepted.value !== undefined);
    return accepted.value!;
  });

  const invoice = await db.createTopupInvoice(input, workflowInfo().workflowId);
  accepted.value = {
    accepted: true,
    orderId: 0,
    publicId: invoice.publicId,
    status: 'awaiting_payment',
    invoice: await issueGatewayPayment(db, invoice, input.gateway),
  };

  const paid = await awaitInvoicePayment(db, invoice, incoming);
  if (!paid && (await db.expireUnpaidInvoice(invoice.id))) {
    for (const p of incoming.splice(0)) await db.creditUnappliedPayment(invoice.id, p, 'invoice_expired');
    return { status: 'expired' };
  }
  for (const p of incoming.splice(0)) {
    if (p.reference !== paid?.reference)
      await db.creditUnappliedPayment(invoice.id, p, 'invoice_already_paid');
  }
  return { status: 'paid' };
}

/** A verified payment whose invoice's workflow has finished: credited to the wallet, once. */
export async function latePaymentWorkflow(input: LatePaymentInput): Promise<{ credited: boolean }> {
  return { credited: await db.creditUnappliedPayment(input.invoiceId, input.payment, 'late_payment') };
}
