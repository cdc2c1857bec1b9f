import { condition } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { GatewayChoice, GatewayPayment, InvoiceView, PaidSignal } from './contracts';

type InvoicePaymentActivities = Pick<
  Activities,
  'recordPaymentMismatch' | 'applyInvoicePayment' | 'creditUnappliedPayment'
>;

/**
 * Creates the invoice's payment at its gateway and answers the invoice with where to pay (as it
 * was when no gateway would take the payment: payable from the wallet only).
 */
export async function issueGatewayPayment(
  activities: Pick<Activities, 'createGatewayPayment'>,
  invoice: InvoiceView,
  gateway: GatewayChoice,
): Promise<InvoiceView> {
  const created = (await activities.createGatewayPayment(invoice.id, gateway)) as
    GatewayPayment | string | null;
  // Runs begun before createGatewayPayment named its gateway got the payment URL alone.
  if (typeof created === 'string') return { ...invoice, paymentUrl: created };
  return created ? { ...invoice, ...created } : invoice;
}

/**
 * Waits, until the invoice expires, for a verified payment signalled into `incoming`: a payment
 * whose amount or currency differs is recorded for review; one that matches is applied once; one
 * the invoice can no longer take is credited to the wallet. Returns the payment that paid the
 * invoice, or undefined at expiry or when `settledElsewhere` says it was paid another way (the
 * order's wallet payment, during which `busy` holds the wait). Shared by orders and top-ups.
 */
export async function awaitInvoicePayment(
  activities: InvoicePaymentActivities,
  invoice: InvoiceView,
  incoming: PaidSignal[],
  opts: { settledElsewhere?: () => boolean; busy?: () => boolean } = {},
): Promise<PaidSignal | undefined> {
  const settled = opts.settledElsewhere ?? (() => false);
  const busy = opts.busy ?? (() => false);
  const deadline = Date.parse(invoice.expiresAt);
  while (!settled()) {
    const left = deadline - Date.now();
    const woke = left > 0 && (await condition(() => (settled() || incoming.length > 0) && !busy(), left));
    if (!woke || settled()) break;
    const p = incoming.shift()!;
    if (p.amountMinor !== invoice.amountMinor || p.currency !== invoice.currency) {
      await activities.recordPaymentMismatch(invoice.id, p);
      continue;
    }
    if ((await activities.applyInvoicePayment(invoice.id, p)) === 'applied') return p;
    await activities.creditUnappliedPayment(invoice.id, p, 'invoice_not_payable');
  }
  return undefined;
}
