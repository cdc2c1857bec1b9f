import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { moneyJson } from '../money';
import { BULK_ACTIONS, TRANSFER_STATES, type TransferState } from '../../workflows/contracts';

/**
 * The payload of every event type, one schema each, whatever path caused the event (a wallet
 * payment and a gateway callback write the same `invoice.paid`). Receivers get
 * `{ id, type, version, sequence, created_at, data }`; `version` changes only with a breaking
 * change to `data`, and additions are not breaking.
 */
export const EVENT_VERSION = 1;

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const money = {
  amount: decimal.describe('Decimal amount in the currency (display).'),
  amount_minor: z
    .string()
    .regex(/^-?\d+$/)
    .describe('Integer minor units (never a float).'),
  currency: z.string().length(3),
};
const timestamp = z.iso.datetime({ offset: true });

const orderData = (status: z.ZodType) =>
  z.strictObject({
    order_id: z.string(),
    action: z.enum(['register', 'renew', 'transfer']),
    domain_name: z.string(),
    years: z.int().min(1),
    ...money,
    payment_method: z.enum(['wallet', 'invoice']),
    status,
    expires_at: timestamp.nullable().describe('The registrar expiry, once the order completed.'),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    transfer_status: z
      .enum(TRANSFER_STATES)
      .nullable()
      .describe(
        'Transfers: the state at the registrar (none, waiting, approved, auth_code_needed, locked, …); null otherwise.',
      ),
    transfer_message: z
      .string()
      .nullable()
      .describe('Transfers waiting for the reseller (auth_code_needed, locked): what to do.'),
  });

export const EVENT_SCHEMAS = {
  'invoice.paid': z.strictObject({
    invoice_id: z.string(),
    purpose: z.enum(['order', 'topup']),
    order_id: z.string().nullable().describe('The order this invoice paid (null for a top-up).'),
    domain_name: z.string().nullable(),
    ...money,
    gateway: z.string().describe('wallet, midtrans or xendit.'),
    paid_at: timestamp,
  }),
  'domain.order.processing': orderData(z.literal('processing')),
  'domain.order.completed': orderData(z.literal('completed')),
  'domain.order.failed': orderData(z.enum(['failed', 'cancelled'])),
  'domain.expiring': z.strictObject({
    domain_id: z.int(),
    domain_name: z.string(),
    expires_at: timestamp,
    threshold_days: z.int(),
    days_left: z.int(),
    auto_renew: z.boolean(),
  }),
  'domain.renewal_price_changed': z.strictObject({
    domain_id: z.int(),
    domain_name: z.string(),
    expires_at: timestamp.describe('The expiry the held auto-renewal was for.'),
    premium: z.boolean().describe("A premium name: priced from the registrar's renewal price for it."),
    previous_price: z.strictObject(money).describe('What the reseller last paid for a year of it.'),
    renewal_price: z.strictObject(money).describe('What a year costs now.'),
    auto_renew_held: z
      .literal(true)
      .describe(
        'The auto-renewal was not charged: the reseller renews by hand at the new price, or the domain expires.',
      ),
    message: z.string(),
  }),
  'bulk_job.completed': z.strictObject({
    job_id: z.string(),
    action: z.enum(BULK_ACTIONS),
    status: z.enum(['completed', 'cancelled']).describe('cancelled: the items not started were not run.'),
    items: z.strictObject({
      total: z.int(),
      succeeded: z.int(),
      failed: z.int(),
      cancelled: z.int(),
      invalid: z.int().describe('Refused by the preflight and left out on confirmation.'),
    }),
    charged: z
      .strictObject(money)
      .describe("What the job's completed orders cost (refunded failures excluded)."),
    results_url: z.string().describe('The per-item results as CSV (same credentials).'),
    finished_at: timestamp,
  }),
  'webhook.test': z.strictObject({
    endpoint_id: z.string(),
    message: z.string(),
  }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

/**
 * Event types resellers subscribe to (a subset, or all): every key of EVENT_SCHEMAS but
 * `webhook.test`, which goes only to the endpoint it was sent to, on request.
 */
export const EVENT_TYPES = [
  'invoice.paid',
  'domain.order.processing',
  'domain.order.completed',
  'domain.order.failed',
  'domain.expiring',
  'domain.renewal_price_changed',
  'bulk_job.completed',
] as const satisfies ReadonlyArray<EventType>;
// Every schema has its name in the list: a new type added to one and not the other fails to compile.
const _allListed: Exclude<EventType, (typeof EVENT_TYPES)[number] | 'webhook.test'> extends never
  ? true
  : never = true;
void _allListed;

/** What every receiver gets, around `data`. */
export const eventEnvelope = <T extends z.ZodType>(type: string, data: T) =>
  z.strictObject({
    id: z.uuid().describe('Stable event id: dedupe on it (delivery is at least once).'),
    type: z.literal(type),
    version: z.literal(EVENT_VERSION),
    sequence: z
      .int()
      .positive()
      .describe(
        'Grows with every event written: of two events about one order, invoice or domain, the larger number is the later state. At one endpoint, the events of one order, invoice or domain arrive in this order; events of different subjects may interleave.',
      ),
    created_at: timestamp,
    data,
  });

/** One event row, in the transaction of the change it reports; `data` is checked against its type's schema. */
export function eventRow<T extends EventType>(resellerId: number, type: T, data: EventData<T>) {
  return { id: randomUUID(), resellerId, type, payload: EVENT_SCHEMAS[type].parse(data) as EventData<T> };
}

export async function emitEvent<T extends EventType>(
  trx: Knex | Knex.Transaction,
  resellerId: number,
  type: T,
  data: EventData<T>,
): Promise<void> {
  await trx('events').insert(eventRow(resellerId, type, data));
}

/** The JSON body every receiver gets for a stored event. */
export function eventBody(event: {
  id: string;
  type: string;
  payload: unknown;
  createdAt: Date;
  sequence: string | number;
}): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    version: EVENT_VERSION,
    sequence: Number(event.sequence),
    created_at: new Date(event.createdAt).toISOString(),
    data: event.payload,
  });
}

/** An order row as the order events present it. */
export interface OrderForEvent {
  publicId: string;
  action: 'register' | 'renew' | 'transfer';
  domainName: string;
  years: number;
  amountMinor: string | number | bigint;
  currency: string;
  paymentMethod: 'wallet' | 'invoice';
}

export function orderEventData(
  order: OrderForEvent,
  outcome: {
    status: 'processing' | 'completed' | 'failed' | 'cancelled';
    expiresAt?: string | null;
    failureCode?: string | null;
    failureMessage?: string | null;
    transferStatus?: TransferState | null;
  },
) {
  const currency = order.currency.trim();
  return {
    order_id: order.publicId,
    action: order.action,
    domain_name: order.domainName,
    years: order.years,
    ...moneyJson(BigInt(order.amountMinor), currency),
    payment_method: order.paymentMethod,
    status: outcome.status,
    expires_at: outcome.expiresAt ?? null,
    failure_code: outcome.failureCode ?? null,
    failure_message: outcome.failureMessage?.slice(0, 500) ?? null,
    transfer_status: outcome.transferStatus ?? null,
    transfer_message: outcome.transferStatus ? transferMessage(outcome.transferStatus) : null,
  };
}

/** What a reseller must do for a transfer in this state (null: nothing, it goes on by itself). */
export function transferMessage(state: TransferState): string | null {
  if (state === 'auth_code_needed')
    return 'The registrar needs a valid auth code: get a current one from the losing registrar and send it with POST /api/v1/orders/{order}/auth-code.';
  if (state === 'locked')
    return 'The domain is locked at its current registrar: unlock it there; the transfer then goes on by itself.';
  return null;
}

/** `invoice.paid` for an invoice (and, when it paid an order, that order), however it was paid. */
export function invoicePaidData(
  invoice: {
    publicId: string;
    purpose: string;
    amountMinor: string | number | bigint;
    currency: string;
    paidAt: Date | string;
  },
  gateway: string,
  order: { publicId: string; domainName: string } | null,
): EventData<'invoice.paid'> {
  return {
    invoice_id: invoice.publicId,
    purpose: invoice.purpose === 'topup' ? 'topup' : 'order',
    order_id: order?.publicId ?? null,
    domain_name: order?.domainName ?? null,
    ...moneyJson(BigInt(invoice.amountMinor), invoice.currency.trim()),
    gateway,
    paid_at: new Date(invoice.paidAt).toISOString(),
  };
}
