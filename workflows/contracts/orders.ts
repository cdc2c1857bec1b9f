/** The order workflow (register, renew, transfer): its input, state, acceptance, result, signals and failures. Workflow-safe: no Node built-ins. */
import { type GatewayChoice } from './payments';
import {
  type ContactInput,
  type OrderAction,
  type OrderStatus,
  type PaymentMethod,
} from '../../src/vocabulary';

export interface OrderInput {
  publicId: string;
  resellerId: number;
  action: OrderAction;
  domain: string;
  years: number;
  paymentMethod: PaymentMethod;
  /** Integer minor units, as a string (JSON has no bigint). */
  amountMinor: string;
  currency: string;
  /** What the registrar charges, in its account's currency (absent in runs that predate it; null: not known). */
  costMinor?: string | null;
  costCurrency?: string | null;
  /** Premium names: the rate that converted the registrar's price (registrar → order currency). */
  exchangeRate?: string | null;
  premium: boolean;
  idempotencyKey: string | null;
  /** Renew: the expiry the order was priced against (ISO). */
  fromExpiresAt: string | null;
  nameservers: string[];
  /** Runs from before contact handles: the people themselves (new runs carry `contactRefs` and null here). */
  contacts: { registrant: ContactInput; admin: ContactInput } | null;
  /** The contact handles (`contacts.id`) the order names; its steps read them from Postgres. */
  contactRefs?: { registrant: number; admin: number } | null;
  privacy: 'full' | 'partial' | 'off' | null;
  autoRenew: boolean | null;
  /** Transfer: the auth code, sealed (never plain in history). */
  sealedAuthCode: string | null;
  /** Invoice orders: when the unpaid invoice expires (ISO). */
  invoiceExpiresAt: string | null;
  /** Transfer: seconds between status polls. */
  transferPollSeconds: number;
  /** Transfer: hours after which an unfinished transfer goes to the review queue (absent: 240). */
  transferDeadlineHours?: number;
  /** Invoice orders: the gateway to create the payment at (null: configured default). */
  gateway: GatewayChoice;
  /** `domains:retry-provisioning`: the existing order this run resumes (paid from the wallet). */
  resumeOrderId?: number | null;
  /**
   * The order's steps as the API started them (absent: runs from before, which replay as they
   * ran). 2: a wallet order's hold and its move to processing are one local activity
   * (`holdFunds(id, 'processing')`), and a registration's follow-up at the registrar is started
   * by a local activity with a start delay of the lag (`startRegistrarFollowUp`), not as a child.
   */
  stepsVersion?: 2;
}

export interface InvoiceView {
  id: number;
  publicId: string;
  status: 'unpaid' | 'paid' | 'expired' | 'cancelled';
  amountMinor: string;
  currency: string;
  expiresAt: string;
  /** The gateway that was paid or is to be paid at (`wallet` once paid from it), where known. */
  gateway?: string | null;
  /** Where to pay at the gateway, once a gateway payment exists. */
  paymentUrl?: string | null;
  paidAt?: string | null;
}

/** What `openOrder` answers: the order row's id and when it was created. */
export interface OpenedOrder {
  id: number;
  createdAt: string;
}

/** What `completeOrder` answers: the domain row the order completed and when. */
export interface CompletedOrder {
  domainId: number | null;
  completedAt: string;
  /** Set when the registrar may not show the domain yet: the follow-up to start (a registration). */
  followUp?: { domain: string; resellerId: number; firstLookAfterMs?: number | undefined } | undefined;
}

/** A payment created at a gateway for an invoice. */
export interface GatewayPayment {
  gateway: string;
  paymentUrl: string;
}

/** The reseller's view of an order whose registrar step succeeded and whose billing is under review. */
export const BILLING_REVIEW_MESSAGE =
  'The registrar completed this order, but recording its billing failed. It is under review; your funds stay reserved until then, and nothing is charged twice.';

/**
 * The order as its workflow knows it: what the API answers with when the order is accepted or
 * finishes, and what the `orderState` query returns. The same fields a row of `orders` gives.
 */
export interface OrderState {
  publicId: string;
  orderId: number | null;
  action: OrderAction;
  domain: string;
  years: number;
  paymentMethod: PaymentMethod;
  amountMinor: string;
  currency: string;
  status: OrderStatus;
  failureCode: string | null;
  failureMessage: string | null;
  invoice: InvoiceView | null;
  createdAt: string | null;
  completedAt: string | null;
  /** Once completed: the domain row and the expiry the registrar holds. */
  domainId: number | null;
  expiresAt: string | null;
  /** Transfers: the state at the registrar (none, waiting, approved, auth_code_needed, locked, …). */
  transferStatus?: string | null;
}

/** What the API learns as soon as the order is accepted (funds held / invoice issued) or refused. */
export type Acceptance =
  | {
      accepted: true;
      orderId: number;
      publicId: string;
      status: OrderStatus;
      invoice: InvoiceView | null;
      /** Orders: the order as accepted (absent for top-ups). */
      order?: OrderState;
    }
  | { accepted: false; code: string; message: string };

export interface OrderResult {
  publicId: string;
  status: OrderStatus;
  failureCode: string | null;
  /** The order as it finished (absent in results of runs that predate it). */
  order?: OrderState;
}

export type WalletPaymentResult =
  { paid: true; invoice: InvoiceView } | { paid: false; code: string; message: string };

/** Order workflow ID: reseller + Idempotency-Key, or reseller + a natural key when none was sent. */
export const orderWorkflowId = (resellerId: number, key: string): string => `order:${resellerId}:${key}`;

/** Business failures that no retry can fix (ApplicationFailure types). */
export const OrderFailures = {
  InsufficientBalance: 'InsufficientBalance',
  DomainUnavailable: 'DomainUnavailable',
  OrderInProgress: 'OrderInProgress',
  RegistrarRejected: 'RegistrarRejected',
  /** The registrar stayed unreachable (or timed out) through every retry: a later attempt may succeed. */
  RegistrarUnavailable: 'RegistrarUnavailable',
  InvoiceNotPayable: 'InvoiceNotPayable',
  BillingFailed: 'BillingFailed',
  /** The transfer was cancelled at the reseller's or an operator's request (funds released). */
  TransferCancelled: 'TransferCancelled',
} as const;
