import { expect } from 'vitest';
import { type OrderHarness } from './harness';
import { topUp } from './order-helpers';
import { call, makeReseller, request, type TestReseller } from './helpers';

/** A reseller with `funds` (minor units, USD) in the wallet, subscribed to every event at `url`. */
export async function subscribedReseller(
  h: Pick<OrderHarness, 'api' | 'db'>,
  url: string,
  funds = 10_000_000n,
): Promise<TestReseller> {
  const r = await makeReseller(h.db);
  await topUp(h.db, r.id, funds);
  const hook = await request(h.api.url, '/api/reseller/v1/webhooks', { token: r.token, body: { url } });
  expect(hook.status).toBe(201);
  return r;
}

export interface InvoiceOrder {
  /** The order's public id. */
  orderId: string;
  invoiceId: number;
  invoicePublicId: string;
  /** The gateway payment attempt the simulator pays (`h.gw.pay(attemptRef)`). */
  attemptRef: string;
  paymentUrl: string;
}

/** Places a register order paid by an invoice through `gateway` (seed 000's form API), waiting for payment. */
export async function placeInvoiceOrder(
  h: Pick<OrderHarness, 'api' | 'db'>,
  token: string,
  domain: string,
  gateway: 'midtrans' | 'xendit',
): Promise<InvoiceOrder> {
  const res = await call(`${h.api.url}/api/reseller/v1/orders/register`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Idempotency-Key': `k-${domain}`,
    },
    body: new URLSearchParams([
      ['domain', domain],
      ['gateway', gateway],
    ]).toString(),
  });
  expect(res.status).toBe(201);
  const order = (res.body['data'] as { order: { id: string; invoice: { id: string; payment_url: string } } })
    .order;
  const row = (await h
    .db('payments')
    .join('invoices', 'invoices.id', 'payments.invoiceId')
    .where({ 'invoices.publicId': order.invoice.id, 'payments.gateway': gateway })
    .first('payments.attemptRef', 'invoices.id as invoiceId')) as { attemptRef: string; invoiceId: number };
  return {
    orderId: order.id,
    invoiceId: row.invoiceId,
    invoicePublicId: order.invoice.id,
    attemptRef: row.attemptRef,
    paymentUrl: order.invoice.payment_url,
  };
}
