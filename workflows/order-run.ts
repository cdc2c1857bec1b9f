import {
  type ActivityOptions,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  type Acceptance,
  OrderFailures,
  type OrderInput,
  type OrderResult,
  type OrderState,
  OrderStatusAttr,
  type OrderStatus,
  type PaidSignal,
  type TransferAuthCodeSignal,
  type TransferCancelSignal,
  type WalletPaymentResult,
} from './contracts';
import { orderProgress } from './summaries';
import { failureMessage, failureType } from './failures';
import {
  acceptanceUpdate,
  cancelTransferSignal,
  checkTransferSignal,
  orderStateQuery,
  paidSignal,
  payFromWalletUpdate,
  transferAuthCodeSignal,
} from './messages';

const BOOKKEEPING: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 ms',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: Object.values(OrderFailures),
  },
};

/** Database steps: quick, retried until the database answers. */
export const db = proxyActivities<Activities>(BOOKKEEPING);

/** Capture and record: bounded, so a persistent local failure ends in a billing_failed review. */
const CAPTURE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [OrderFailures.BillingFailed],
  },
};

type Bookkeeping = Pick<
  Activities,
  | 'openOrder'
  | 'holdFunds'
  | 'failOrder'
  | 'markProcessing'
  | 'recordRegistrarResult'
  | 'recordPrivacyFailure'
  | 'recordBillingFailure'
  | 'recordNameserverFailure'
  | 'flagStuckTransfer'
  | 'startRegistrarFollowUp'
>;

/**
 * Whether the change behind `patchId` applies to this run: always for runs of steps 2 (they were
 * never run by code from before it, so their histories carry no marker for it, nor the
 * `TemporalChangeVersion` upsert that comes with one); for runs from before, as their marker says.
 */
export function since(input: OrderInput, patchId: string): boolean {
  return input.stepsVersion === 2 || patched(patchId);
}

/**
 * The order's own bookkeeping steps, run as local activities: each is one short, idempotent
 * transaction (safe to run again, as local activities may be), and running them inside the
 * workflow task saves a task hand-off through the server for each. Runs begun before this change
 * replay with the regular activities they scheduled (the `order-local-bookkeeping` patch).
 */
function bookkeeping(input: OrderInput): {
  books: Bookkeeping;
  capture: Pick<Activities, 'completeOrder'>;
} {
  if (since(input, 'order-local-bookkeeping'))
    return {
      books: proxyLocalActivities<Activities>(BOOKKEEPING),
      capture: proxyLocalActivities<Activities>(CAPTURE),
    };
  return { books: db, capture: proxyActivities<Activities>(CAPTURE) };
}

/**
 * One run of the order workflow: the order's state (what the query and the API's answers show),
 * its message handlers, and what the steps share — the acceptance the API waits for, the payment
 * that paid the order, and verified payments signalled in but not looked at yet.
 */
export class OrderRun {
  readonly state: OrderState;
  acceptance: Acceptance | undefined;
  payment: PaidSignal | undefined;
  /** Verified gateway payments signalled by the API, not yet looked at. */
  readonly incoming: PaidSignal[] = [];
  /** Transfers: new auth codes the reseller sent, not yet passed on. */
  readonly authCodes: TransferAuthCodeSignal[] = [];
  /** Transfers: the first request to cancel it (the reseller's or an operator's). */
  cancelRequest: TransferCancelSignal | undefined;
  /** Transfers: someone asked to look at the registrar again now. */
  checkRequested = false;
  walletPaymentInFlight = false;
  /** Open, hold, fail, processing, registrar result, billing failure: see `bookkeeping()`. */
  readonly books: Bookkeeping;
  readonly capture: Pick<Activities, 'completeOrder'>;

  constructor(readonly input: OrderInput) {
    ({ books: this.books, capture: this.capture } = bookkeeping(input));
    this.state = {
      publicId: input.publicId,
      orderId: null,
      action: input.action,
      domain: input.domain,
      years: input.years,
      paymentMethod: input.paymentMethod,
      amountMinor: input.amountMinor,
      currency: input.currency,
      status: 'pending',
      failureCode: null,
      failureMessage: null,
      invoice: null,
      createdAt: null,
      completedAt: null,
      domainId: null,
      expiresAt: null,
      transferStatus: input.action === 'transfer' ? 'none' : null,
    };
    setHandler(orderStateQuery, () => this.state);
    setHandler(acceptanceUpdate, async () => {
      await condition(() => this.acceptance !== undefined);
      return this.acceptance!;
    });
    setHandler(paidSignal, (p) => {
      this.incoming.push(p);
    });
    setHandler(transferAuthCodeSignal, (c) => {
      this.authCodes.push(c);
    });
    setHandler(cancelTransferSignal, (c) => {
      this.cancelRequest ??= c;
    });
    setHandler(checkTransferSignal, () => {
      this.checkRequested = true;
    });
    setHandler(payFromWalletUpdate, () => this.payFromWallet());
  }

  get orderId(): number {
    if (this.state.orderId === null) throw new Error('the order is not open yet');
    return this.state.orderId;
  }

  setStatus(status: OrderStatus, extra: { code?: string; message?: string } = {}): void {
    this.state.status = status;
    if (extra.code) this.state.failureCode = extra.code;
    if (extra.message) this.state.failureMessage = extra.message.slice(0, 500);
    upsertSearchAttributes([{ key: OrderStatusAttr, value: status }]);
    setCurrentDetails(orderProgress(this.state));
  }

  accept(): void {
    this.acceptance = {
      accepted: true,
      orderId: this.orderId,
      publicId: this.input.publicId,
      status: this.state.status,
      invoice: this.state.invoice,
      order: { ...this.state },
    };
  }

  /** Refused before anything was charged: the API answers with the code. */
  refuse(code: string, message: string): void {
    this.acceptance = { accepted: false, code, message };
    this.setStatus('failed', { code, message });
  }

  finish(): OrderResult {
    return {
      publicId: this.input.publicId,
      status: this.state.status,
      failureCode: this.state.failureCode,
      order: { ...this.state },
    };
  }

  /** Payments that arrived but were not used (a second payment, or one after expiry) go to the wallet. */
  async creditStragglers(invoiceId: number, reason: string): Promise<void> {
    while (this.incoming.length > 0) {
      const p = this.incoming.shift()!;
      if (this.payment && p.reference === this.payment.reference) continue;
      await db.creditUnappliedPayment(invoiceId, p, reason);
    }
  }

  /** The `payFromWallet` update: pays the unpaid invoice from the wallet, once. */
  private async payFromWallet(): Promise<WalletPaymentResult> {
    await condition(() => this.state.orderId !== null && !this.walletPaymentInFlight);
    const { state } = this;
    if (state.invoice?.status === 'paid') return { paid: true, invoice: state.invoice };
    if (state.status !== 'awaiting_payment' || !state.invoice) {
      return {
        paid: false,
        code: 'invoice_not_payable',
        message: `The invoice is ${state.invoice?.status ?? 'missing'}.`,
      };
    }
    this.walletPaymentInFlight = true;
    try {
      const invoice = await db.payInvoiceFromWallet(this.orderId);
      state.invoice = { ...state.invoice, ...invoice };
      this.payment ??= {
        amountMinor: invoice.amountMinor,
        currency: invoice.currency,
        gateway: 'wallet',
        reference: invoice.publicId,
      };
      return { paid: true, invoice: state.invoice };
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
      this.walletPaymentInFlight = false;
    }
  }
}
