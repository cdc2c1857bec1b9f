import { moneyJson } from '../money';
import type { InvoiceRecord, OrderRecord } from '../services/orders';

export function presentInvoice(i: InvoiceRecord) {
  return {
    id: i.publicId,
    status: i.status,
    amount: moneyJson(BigInt(i.amountMinor), i.currency.trim()),
    gateway: i.gateway,
    payment_url: i.paymentUrl,
    expires_at: new Date(i.expiresAt).toISOString(),
    paid_at: i.paidAt ? new Date(i.paidAt).toISOString() : null,
  };
}

export function presentOrder(o: OrderRecord, invoice?: InvoiceRecord) {
  return {
    id: o.publicId,
    action: o.action,
    domain_name: o.domainName,
    years: o.years,
    status: o.status,
    payment_method: o.paymentMethod,
    amount: moneyJson(BigInt(o.amountMinor), o.currency.trim()),
    failure: o.failureCode ? { code: o.failureCode, message: o.failureMessage } : null,
    invoice: invoice ? presentInvoice(invoice) : null,
    created_at: new Date(o.createdAt).toISOString(),
    completed_at: o.completedAt ? new Date(o.completedAt).toISOString() : null,
  };
}
