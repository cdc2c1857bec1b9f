import type { z } from 'zod';
import { moneyJson } from '../money';
import type { InvoiceJson, OrderJson } from './schemas';
import type { InvoiceView, OrderState, TransferState } from '../../workflows/contracts';
import { transferMessage } from '../webhooks/events';

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
