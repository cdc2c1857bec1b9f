/**
 * Names shared by the API, the worker and the workflows: the task queue, workflow IDs,
 * search attributes, and workflow inputs and outputs. Workflow-safe: no Node built-ins.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The task queues (one per kind of work); the registrar's part: its queue, outcomes, transfer states.
export * from './queue-contracts';
export * from './registrar-contracts';

export const ResellerIdAttr = defineSearchAttributeKey('ResellerId', SearchAttributeType.KEYWORD);
export const DomainNameAttr = defineSearchAttributeKey('DomainName', SearchAttributeType.KEYWORD);
export const OrderIdAttr = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const OrderStatusAttr = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
/** Each run's one-line summary (workflows/summaries.ts), for the Temporal UI's workflow list. */
export const RunSummaryAttr = defineSearchAttributeKey('RunSummary', SearchAttributeType.KEYWORD);

/** Every custom search attribute the project needs registered on the namespace. */
export const SEARCH_ATTRIBUTES = [
  ResellerIdAttr,
  DomainNameAttr,
  OrderIdAttr,
  OrderStatusAttr,
  RunSummaryAttr,
] as const;

export interface PingInput {
  message: string;
}

export interface PingResult {
  message: string;
  /** Postgres' clock as the worker's activity saw it: proves worker → database works. */
  databaseTime: string;
  workflowId: string;
}

export const pingWorkflowId = (nonce: string): string => `ping:${nonce}`;

// ---------------------------------------------------------------- order workflow (register / renew / transfer)

export type OrderAction = 'register' | 'renew' | 'transfer';
export type PaymentMethod = 'wallet' | 'invoice';
export type OrderStatus =
  'pending' | 'awaiting_payment' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'billing_failed';

export interface ContactInput {
  name: string;
  organization?: string | undefined;
  address1: string;
  address2?: string | undefined;
  city: string;
  state?: string | undefined;
  postcode: string;
  country: string;
  phone: string;
  email: string;
}

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
  contacts: { registrant: ContactInput; admin: ContactInput } | null;
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

export interface PaidSignal {
  amountMinor: string;
  currency: string;
  gateway: string;
  /** The gateway's transaction / invoice id. */
  reference: string;
  /** Our payment attempt (Midtrans order_id / Xendit external_id); absent for wallet payments. */
  attemptRef?: string;
}

export type GatewayChoice = 'midtrans' | 'xendit' | null;

export interface TopupInput {
  invoicePublicId: string;
  resellerId: number;
  amountMinor: string;
  currency: string;
  gateway: GatewayChoice;
}

export interface LatePaymentInput {
  invoiceId: number;
  payment: PaidSignal;
}

export const topupWorkflowId = (resellerId: number, key: string): string => `topup:${resellerId}:${key}`;
export const latePaymentWorkflowId = (gateway: string, attemptRef: string): string =>
  `late-payment:${gateway}:${attemptRef}`;

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
} as const;

// ---------------------------------------------------------------- domain management and DNS

/** Registrar refusals of domain and DNS operations (ApplicationFailure types): final, answered as 422. */
export const DomainFailures = {
  RegistrarRejected: 'RegistrarRejected',
  Unsupported: 'Unsupported',
  /** The hosted DNS addon's server refused a zone or its records. */
  DnsAddonRejected: 'DnsAddonRejected',
} as const;

export type DomainOperation =
  | { op: 'sync' }
  | { op: 'set_nameservers'; nameservers: string[] }
  | { op: 'set_contacts'; contacts: { registrant: ContactInput; admin: ContactInput } }
  | { op: 'set_lock'; locked: boolean }
  | { op: 'set_privacy'; privacy: 'full' | 'partial' | 'off' }
  | { op: 'request_epp' };

export interface DomainOperationInput {
  resellerId: number;
  domainId: number;
  domain: string;
  operation: DomainOperation;
}

export type DomainOperationResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; code: string; message: string };

export const domainOperationWorkflowId = (resellerId: number, key: string): string =>
  `domain-op:${resellerId}:${key}`;

/** The record types DNS management takes (seed 003): all of them on the hosted addon. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS'] as const;

export interface DnsRecordData {
  type: (typeof DNS_RECORD_TYPES)[number];
  name: string;
  value: string;
  ttl: number;
  priority: number | null;
  weight: number | null;
  port: number | null;
  flags: number | null;
  tag: string | null;
}

export type DnsChange =
  /** `records`: what the registrar publishes now, read by the zone workflow: the starting set. */
  | {
      kind: 'provision';
      records?: DnsRecordData[];
      /** On the hosted DNS addon: the zone served by it and the domain delegated to its nameservers. */
      hosted?: boolean;
    }
  | { kind: 'cancel' }
  | { kind: 'create'; record: DnsRecordData }
  | { kind: 'update'; ref: string; record: DnsRecordData }
  | { kind: 'delete'; ref: string }
  | { kind: 'replace'; records: DnsRecordData[]; push: boolean }
  | { kind: 'push' }
  /** Hosted zones: sign the zone and send its DS to the registrar, or remove the DS and unsign. */
  | { kind: 'dnssec'; enabled: boolean };

export type DnsChangeResult =
  { ok: true; version: number; line?: number } | { ok: false; code: string; message: string };

export interface DnsZoneInput {
  domainId: number;
  resellerId: number;
  domain: string;
  /** How long the zone waits, quiet, before its run ends (absent: 60 s; tests pass less). */
  quietSeconds?: number;
}

/** What the zone workflow needs to know of a domain's zone before a change. */
export interface ZoneMode {
  mode: 'registrar' | 'hosted';
  status: 'active' | 'cancelled';
  dnssec: 'off' | 'on';
  delegated: boolean;
}

export const dnsZoneWorkflowId = (domainId: number): string => `dns:${domainId}`;

// ---------------------------------------------------------------- webhooks and reminders

export interface WebhookDeliveryInput {
  jobId: string;
  /** The job's endpoint: when both are gone, the endpoint was deleted and nothing is owed. */
  endpointId?: number;
  backoffBaseSeconds: number;
  horizonSeconds: number;
  /** When retries stop (ISO): a first run's job creation + horizon (absent: the run's start + horizon). */
  deadline?: string;
}

export const webhookDeliveryWorkflowId = (jobId: string, run: number): string => `webhook:${jobId}:${run}`;

export interface ExpiryScanInput {
  thresholdsDays: number[];
  autoRenewDays: number;
  /** How many windows of the horizon are scanned at once (default EXPIRY_SCAN_SLICES). */
  slices?: number;
  orderTaskQueue?: string; // where auto-renewals start (absent before the queue split: the scan's own)
}

/**
 * One window of an expiry scan: the domains expiring after `fromDays` and up to `toDays` days
 * from `asOf` (the scan's one clock, so windows scanned side by side neither overlap nor leave a gap).
 */
export interface ExpiryScanWindow {
  asOf: string;
  fromDays: number;
  toDays: number;
}

/** Windows scanned side by side by default: each is its own stream of pages on its own connection. */
export const EXPIRY_SCAN_SLICES = 2;

/** The scan's horizon (the largest threshold or the auto-renew days) cut into `slices` equal windows. */
export function expiryScanWindows(
  input: Pick<ExpiryScanInput, 'thresholdsDays' | 'autoRenewDays' | 'slices'>,
  asOf: Date,
): ExpiryScanWindow[] {
  const horizon = Math.max(...input.thresholdsDays, input.autoRenewDays);
  const n = Math.max(1, Math.min(32, Math.trunc(input.slices ?? EXPIRY_SCAN_SLICES)));
  return Array.from({ length: n }, (_, i) => ({
    asOf: asOf.toISOString(),
    fromDays: (horizon * i) / n,
    toDays: (horizon * (i + 1)) / n,
  }));
}

export const EXPIRY_SCHEDULE_ID = 'expiry-reminders';

/** A one-off signed `webhook.test` delivery to one endpoint, sent on request. */
export interface WebhookTestInput {
  jobId: string;
  endpointId: number;
}

export const webhookTestWorkflowId = (jobId: string): string => `webhook-test:${jobId}`;

// ---------------------------------------------------------------- operations: review queue, retention

/** An admin's resolution of an order whose billing failed after the registrar succeeded. */
export interface BillingReviewInput {
  orderId: number;
  /** capture: post the held funds and complete the order; void: release them and fail it. */
  resolution: 'capture' | 'void';
  reason: string;
  /** Who resolved it (admin:<id>, cli:<user>). */
  actor: string;
}

export type BillingReviewResult =
  | { ok: true; resolution: 'capture' | 'void'; status: OrderStatus }
  | { ok: false; code: string; message: string };

/** One review per order: a second request attaches to the first (and a failed one may be retried). */
export const billingReviewWorkflowId = (orderId: number): string => `review:${orderId}`;

export const ReviewFailures = {
  /** The registrar does not hold the domain: nothing to charge for. */
  RegistrarMissing: 'RegistrarMissing',
  /** The order is not (any more) waiting for a billing review. */
  NotInReview: 'NotInReview',
} as const;

export interface RetentionInput {
  days: number;
}

export const API_LOG_RETENTION_SCHEDULE_ID = 'api-log-retention';
