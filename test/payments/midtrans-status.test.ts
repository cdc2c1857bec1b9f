import { describe, expect, it } from 'vitest';
import { call, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { uniqueName } from '../order-helpers';

/*
 * Midtrans does not retry a notification answered 2xx: when its status API cannot confirm a paid
 * notification (MIDTRANS_VERIFY_STATUS), the answer must be a 503 so the notification comes again.
 * The status API here is a port nothing listens on.
 */
const h = useOrderHarness({
  apiEnv: { MIDTRANS_VERIFY_STATUS: 'true', MIDTRANS_API_URL: 'http://127.0.0.1:1' },
});

describe('a paid Midtrans notification the status API cannot confirm', () => {
  it('answers 503 so Midtrans retries, records it, and pays nothing; Snap carries start_time', async () => {
    const r = await makeReseller(h.db, { currency: 'IDR' });
    const domain = uniqueName('verify');
    const res = await call(`${h.api.url}/api/reseller/v1/orders/register`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': `k-${domain}`,
      },
      body: new URLSearchParams([
        ['domain', domain],
        ['gateway', 'midtrans'],
      ]).toString(),
    });
    expect(res.status).toBe(201);
    const invoiceId = (res.body['data'] as { order: { invoice: { id: string } } }).order.invoice.id;
    const invoice = (await h.db('invoices').where({ publicId: invoiceId }).first('id')) as { id: number };
    const payment = (await h.db('payments').where({ invoiceId: invoice.id }).first('attemptRef')) as {
      attemptRef: string;
    };
    expect(await h.gw.pay(payment.attemptRef)).toEqual([503]);
    const recorded = (await h
      .db('payment_callbacks')
      .where({ gateway: 'midtrans' })
      .orderBy('id', 'desc')
      .first('verdict')) as {
      verdict: string;
    };
    expect(recorded.verdict).toBe('unverified');
    expect(
      ((await h.db('invoices').where({ id: invoice.id }).first('status')) as { status: string }).status,
    ).toBe('unpaid');
    const snap = h.gw.snapRequests.at(-1) as { expiry: { start_time: string; unit: string } } | undefined;
    expect(snap?.expiry.start_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/);
  });
});
