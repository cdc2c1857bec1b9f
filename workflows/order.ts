import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  type Acceptance,
  type InvoiceView,
  OrderFailures,
  OrderIdAttr,
  type OrderInput,
  type OrderResult,
  type OrderState,
  OrderStatusAttr,
  type OrderStatus,
  type PaidSignal,
  type WalletPaymentResult,
} from './contracts';
import { failureMessage, failureType } from './failures';
import { awaitInvoicePayment } from './invoices';
import { acceptanceUpdate, orderStateQuery, paidSignal, payFromWalletUpdate } from './messages';

/** Local bookkeeping: quick, retried until the database answers. */
const db = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 ms',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: Object.values(OrderFailures),
  },
});

/** Registrar calls: bounded retries with backoff; rejections are final. */
const registrar = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // The activities heartbeat every 3 s: a worker that dies mid-call is noticed within 15 s.
  heartbeatTimeout: '15 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [OrderFailures.RegistrarRejected],
  },
});

/** Capture and record: bounded, so a persistent local failure ends in a billing_failed review. */
const capture = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [OrderFailures.BillingFailed],
  },
});

/** Read-only registrar checks used to settle an unknown outcome: retried until they answer. */
const registrarRead = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/**
 * One order (register, renew or transfer): payment (wallet hold, or an unpaid invoice paid by
 * signal or from the wallet before it expires) → registrar (idempotent: the activity asks the
 * registrar whether an earlier attempt already took effect) → capture and record in one
 * transaction → events. Compensation on a registrar rejection: void the hold, or refund a paid
 * invoice to the wallet.
 */
export async function orderWorkflow(input: OrderInput): Promise<OrderResult> {
  const state: OrderState = {
    publicId: input.publicId,
    orderId: null,
    status: 'pending',
    failureCode: null,
    failureMessage: null,
    invoice: null,
  };
  let acceptance: Acceptance | undefined;
  let payment: PaidSignal | undefined;
  /** Verified gateway payments signalled by the API, not yet looked at. */
  const incoming: PaidSignal[] = [];
  let walletPaymentInFlight = false;

  setHandler(orderStateQuery, () => state);
  setHandler(acceptanceUpdate, async () => {
    await condition(() => acceptance !== undefined);
    return acceptance!;
  });
  setHandler(paidSignal, (p) => {
    incoming.push(p);
  });
  setHandler(payFromWalletUpdate, async (): Promise<WalletPaymentResult> => {
    await condition(() => state.orderId !== null && !walletPaymentInFlight);
    if (state.invoice?.status === 'paid') return { paid: true, invoice: state.invoice };
    if (state.status !== 'awaiting_payment' || !state.invoice) {
      return {
        paid: false,
        code: 'invoice_not_payable',
        message: `The invoice is ${state.invoice?.status ?? 'missing'}.`,
      };
    }
    walletPaymentInFlight = true;
    try {
      const invoice = await db.payInvoiceFromWallet(state.orderId!);
      state.invoice = invoice;
      payment ??= {
        amountMinor: invoice.amountMinor,
        currency: invoice.currency,
        gateway: 'wallet',
        reference: invoice.publicId,
      };
      return { paid: true, invoice };
    } catch (err) {
      const type = failureType(err);
      if (type === OrderFailures.InsufficientBalance) {
        return {
          paid: false,
          code: 'insufficient_balance',
          message: 'The wallet balance does not cover this invoice.',
        };
      }
      if (type === OrderFailures.InvoiceNotPayable) {
        return { paid: false, code: 'invoice_not_payable', message: failureMessage(err) };
      }
      throw err;
    } finally {
      walletPaymentInFlight = false;
    }
  });

  const setStatus = (status: OrderStatus, extra: { code?: string; message?: string } = {}): void => {
    state.status = status;
    if (extra.code) state.failureCode = extra.code;
    if (extra.message) state.failureMessage = extra.message;
    upsertSearchAttributes([{ key: OrderStatusAttr, value: status }]);
  };

  const finish = (): OrderResult => ({
    publicId: input.publicId,
    status: state.status,
    failureCode: state.failureCode,
  });

  /** Payments that arrived but were not used (a second payment, or one after expiry) go to the wallet. */
  const creditStragglers = async (invoiceId: number, reason: string): Promise<void> => {
    while (incoming.length > 0) {
      const p = incoming.shift()!;
      if (payment && p.reference === payment.reference) continue;
      await db.creditUnappliedPayment(invoiceId, p, reason);
    }
  };

  // 1. Open the order row (unique per live domain acquisition).
  try {
    state.orderId = await db.openOrder(input, workflowInfo().workflowId);
  } catch (err) {
    const type = failureType(err);
    if (type === OrderFailures.OrderInProgress || type === OrderFailures.DomainUnavailable) {
      acceptance = {
        accepted: false,
        code: type === OrderFailures.OrderInProgress ? 'order_in_progress' : 'domain_unavailable',
        message: failureMessage(err),
      };
      setStatus('failed', { code: acceptance.code, message: acceptance.message });
      return finish();
    }
    throw err;
  }
  const orderId = state.orderId;
  upsertSearchAttributes([{ key: OrderIdAttr, value: input.publicId }]);

  // 2. Payment.
  if (input.paymentMethod === 'wallet') {
    try {
      await db.holdFunds(orderId);
    } catch (err) {
      if (failureType(err) !== OrderFailures.InsufficientBalance) throw err;
      await db.failOrder(orderId, 'insufficient_balance', 'The wallet balance does not cover this order.');
      setStatus('failed', {
        code: 'insufficient_balance',
        message: 'The wallet balance does not cover this order.',
      });
      acceptance = {
        accepted: false,
        code: 'insufficient_balance',
        message: 'The wallet balance does not cover this order.',
      };
      return finish();
    }
    acceptance = { accepted: true, orderId, publicId: input.publicId, status: 'processing', invoice: null };
  } else {
    const invoice: InvoiceView = await db.createInvoice(orderId);
    state.invoice = invoice;
    await db.createGatewayPayment(invoice.id, input.gateway);
    setStatus('awaiting_payment');
    acceptance = { accepted: true, orderId, publicId: input.publicId, status: 'awaiting_payment', invoice };
    const paid = await awaitInvoicePayment(db, invoice, incoming, {
      settledElsewhere: () => payment !== undefined,
      busy: () => walletPaymentInFlight,
    });
    if (paid) {
      payment = paid;
      state.invoice = { ...invoice, status: 'paid' };
    }
    if (payment === undefined) {
      const expired = await db.expireInvoice(orderId);
      if (expired) {
        state.invoice = { ...invoice, status: 'expired' };
        setStatus('cancelled', { code: 'invoice_expired', message: 'The invoice expired unpaid.' });
        await creditStragglers(invoice.id, 'invoice_expired');
        return finish();
      }
      // Paid from the wallet at the last moment: carry on with that payment.
      await condition(() => payment !== undefined);
    }
  }

  // 3. Registrar.
  setStatus('processing');
  await db.markProcessing(orderId);
  let result: { expiresAt: string | null };
  try {
    if (input.action === 'transfer') {
      await registrar.submitTransfer(orderId);
      for (;;) {
        const transfer = await registrarRead.checkTransfer(orderId);
        if (transfer.state === 'completed') {
          result = { expiresAt: transfer.expiresAt };
          break;
        }
        if (transfer.state !== 'pending') {
          throw ApplicationFailure.nonRetryable(
            `The transfer ended ${transfer.state}.`,
            OrderFailures.RegistrarRejected,
          );
        }
        await sleep(input.transferPollSeconds * 1000);
      }
    } else {
      try {
        result = await registrar.provision(orderId);
      } catch (err) {
        if (failureType(err) === OrderFailures.RegistrarRejected) throw err;
        // Retries exhausted on transient faults: the outcome is unknown, so ask before failing.
        const settled = await registrarRead.findProvisioned(orderId);
        if (!settled)
          throw ApplicationFailure.nonRetryable(failureMessage(err), OrderFailures.RegistrarUnavailable);
        result = settled;
      }
    }
  } catch (err) {
    const code =
      failureType(err) === OrderFailures.RegistrarRejected ? 'registrar_rejected' : 'registrar_failed';
    await db.failOrder(orderId, code, failureMessage(err));
    setStatus('failed', { code, message: failureMessage(err) });
    if (state.invoice) await creditStragglers(state.invoice.id, 'order_failed');
    return finish();
  }

  // 3b. Privacy, when the order asks for it: the registrar takes it only once the domain is in
  // the account. (Without it, nothing extra is asked of the registrar; sync records drift.)
  let privacy: 'full' | 'partial' | 'off' | null = null;
  if (input.action !== 'renew' && input.privacy && patched('order-privacy-at-registrar')) {
    try {
      privacy = await registrar.applyOrderPrivacy(orderId);
    } catch (err) {
      await db.recordPrivacyFailure(orderId, failureMessage(err));
      privacy = 'off';
    }
  }

  // 4. Capture and record: the registrar's success is stored first, so it is never lost.
  await db.recordRegistrarResult(orderId, { ...result, privacy });
  try {
    await capture.completeOrder(orderId);
    setStatus('completed');
  } catch (err) {
    await db.recordBillingFailure(orderId, failureMessage(err));
    setStatus('billing_failed', { code: 'billing_failed', message: failureMessage(err) });
  }
  if (state.invoice) await creditStragglers(state.invoice.id, 'invoice_already_paid');
  return finish();
}
