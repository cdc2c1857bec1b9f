import { z } from 'zod';
import { moneyJson } from '../money';
import { iso, isoOrNull, MoneyJson } from './json';
import type { InvoiceView, OrderState } from '../../workflows/contracts';
import { TRANSFER_STATES, type TransferState } from '../vocabulary';
import { transferMessage } from '../webhooks/events';

/* An order and its invoice as the API answers them and the pages show them: each schema beside its presenter. */

/** A transfer's state at the registrar, on the order, with what the reseller must do when it waits for them. */
export const TransferJson = z
  .object({
    status: z
      .enum(TRANSFER_STATES)
      .describe(
        'none (not listed yet), waiting, approved, pending, auth_code_needed, locked, completed, cancelled or failed',
      ),
    message: z
      .string()
      .nullable()
      .describe(
        'auth_code_needed: send a new code (POST /api/v1/orders/{order}/auth-code); locked: unlock at the losing registrar',
      ),
  })
  .meta({ id: 'Transfer' });

export const InvoiceJson = z
  .object({
    id: z.string(),
    status: z.enum(['unpaid', 'paid', 'expired', 'cancelled']),
    amount: MoneyJson,
    gateway: z.string().nullable(),
    payment_url: z.string().nullable(),
    expires_at: iso,
    paid_at: isoOrNull,
  })
  .meta({ id: 'Invoice' });

export const OrderJson = z
  .object({
    id: z.string(),
    action: z.enum(['register', 'renew', 'transfer']),
    domain_name: z.string(),
    years: z.int(),
    status: z.enum([
      'pending',
      'awaiting_payment',
      'processing',
      'completed',
      'failed',
      'cancelled',
      'billing_failed',
    ]),
    payment_method: z.enum(['wallet', 'invoice']),
    amount: MoneyJson,
    failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    transfer: TransferJson.nullable().describe('Transfers: the state at the registrar and what to do.'),
    invoice: InvoiceJson.nullable(),
    created_at: isoOrNull,
    completed_at: isoOrNull,
  })
  .meta({ id: 'Order' });

export const OrderDomainJson = z
  .object({ id: z.int(), domain_name: z.string(), status: z.string(), expires_at: isoOrNull })
  .meta({ id: 'OrderDomain' });

export const OrderAnswer = z.object({ order: OrderJson, domain: OrderDomainJson.optional() });

/** An order answer: 201 done (or invoice issued), 202 processing or in review, 200 placed earlier. */
export const ORDER_ANSWERS = { 200: OrderAnswer, 201: OrderAnswer, 202: OrderAnswer };

export function presentInvoice(i: InvoiceView): z.infer<typeof InvoiceJson> {
  return {
    id: i.publicId,
    status: i.status,
    amount: moneyJson(BigInt(i.amountMinor), i.currency),
    gateway: i.gateway ?? null,
    payment_url: i.paymentUrl ?? null,
    expires_at: i.expiresAt,
    paid_at: i.paidAt ?? null,
  };
}

export function presentOrder(o: OrderState): z.infer<typeof OrderJson> {
  return {
    id: o.publicId,
    action: o.action,
    domain_name: o.domain,
    years: o.years,
    status: o.status,
    payment_method: o.paymentMethod,
    amount: moneyJson(BigInt(o.amountMinor), o.currency),
    failure: o.failureCode ? { code: o.failureCode, message: o.failureMessage } : null,
    transfer:
      o.action === 'transfer' && o.transferStatus
        ? {
            status: o.transferStatus as TransferState,
            message: transferMessage(o.transferStatus as TransferState),
          }
        : null,
    invoice: o.invoice ? presentInvoice(o.invoice) : null,
    created_at: o.createdAt,
    completed_at: o.completedAt,
  };
}
