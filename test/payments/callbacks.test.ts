import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { midtransSignature, midtransSignatureValid, midtransPaid } from '../../src/payments/midtrans/client';
import { xenditTokenValid } from '../../src/payments/xendit/client';
import { call, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, topUp, uniqueName } from '../order-helpers';
import { INVOICE_PAID_KEYS } from '../event-contract';
import { placeInvoiceOrder } from '../scenarios';

// Invoices expire after ~4 s so that expiry and late payment can be seen.

const h = useOrderHarness({ invoiceTtlHours: 4 / 3600 });

const form = (token: string, fields: Array<[string, string]>, key: string) => ({
  method: 'POST',
  headers: {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    'Idempotency-Key': key,
  },
  body: new URLSearchParams(fields).toString(),
});

const orderStatus = async (publicId: string) =>
  ((await h.db('orders').where({ publicId }).first('status')) as { status: string }).status;

const verdicts = async (attemptRef: string) =>
  ((await h.db('payment_callbacks').where({ attemptRef }).select('verdict')) as Array<{ verdict: string }>)
    .map((r) => r.verdict)
    .sort();

describe('signature and paid rules', () => {
  it('checks Midtrans signature_key over the raw strings, in constant time', () => {
    const key = 'SB-Mid-server-x';
    const body = { order_id: 'inv_1-1', status_code: '200', gross_amount: '10000.00' };
    const expected = createHash('sha512').update(`inv_1-1200${'10000.00'}${key}`).digest('hex');
    expect(midtransSignature(body.order_id, body.status_code, body.gross_amount, key)).toBe(expected);
    expect(midtransSignatureValid({ ...body, signature_key: expected }, key)).toBe(true);
    expect(midtransSignatureValid({ ...body, signature_key: expected.toUpperCase() }, key)).toBe(true);
    // The integer form of the amount is a different string, so a different signature.
    expect(midtransSignatureValid({ ...body, gross_amount: '10000', signature_key: expected }, key)).toBe(
      false,
    );
    expect(midtransSignatureValid({ ...body, signature_key: expected }, 'other-key')).toBe(false);
    expect(midtransSignatureValid({ ...body, signature_key: 'short' }, key)).toBe(false);
    expect(midtransSignatureValid({ order_id: 1, signature_key: expected }, key)).toBe(false);
  });

  it.each([
    ['settlement', undefined, true],
    ['settlement', 'accept', true],
    ['capture', 'accept', true],
    ['capture', 'challenge', false],
    ['capture', undefined, false],
    ['pending', undefined, false],
    ['deny', undefined, false],
    ['cancel', undefined, false],
    ['expire', undefined, false],
    ['failure', undefined, false],
    ['refund', undefined, false],
    ['something-new', undefined, false],
  ] as const)('Midtrans %s / fraud %s → paid %s', (status, fraud, paid) => {
    expect(midtransPaid(status, fraud)).toBe(paid);
  });

  it('checks the Xendit callback token', () => {
    expect(xenditTokenValid('tok', 'tok')).toBe(true);
    expect(xenditTokenValid('tok2', 'tok')).toBe(false);
    expect(xenditTokenValid('', 'tok')).toBe(false);
  });
});

describe.each(['midtrans', 'xendit'] as const)('%s callbacks', (gateway) => {
  const currency = gateway === 'midtrans' ? 'IDR' : 'USD';

  it('a paid callback pays the invoice and provisioning completes, without touching the wallet', async () => {
    const r = await makeReseller(h.db, { currency });
    const domain = uniqueName(`paid-${gateway}`);
    const placed = await placeInvoiceOrder(h, r.token, domain, gateway);
    expect(placed.paymentUrl).toMatch(gateway === 'midtrans' ? /\/snap\/v2\/vtweb\// : /\/web\//);
    expect(await orderStatus(placed.orderId)).toBe('awaiting_payment');

    expect(await h.gw.pay(placed.attemptRef)).toEqual([200]);
    await eventually(async () => (await orderStatus(placed.orderId)) === 'completed');
    expect(h.sim.count('register', domain)).toBe(1);
    expect(await h.db('invoices').where({ id: placed.invoiceId }).first('status', 'gateway')).toEqual({
      status: 'paid',
      gateway,
    });
    expect(await h.db('payments').where({ attemptRef: placed.attemptRef }).first('status')).toEqual({
      status: 'paid',
    });
    expect(await h.db('ledger_entries').where({ resellerId: r.id })).toEqual([]);
    expect(await verdicts(placed.attemptRef)).toEqual(['accepted']);
    const events = (await h.db('events').where({ resellerId: r.id }).orderBy('sequence')) as Array<{
      type: string;
      payload: Record<string, unknown>;
    }>;
    expect(events.map((e) => e.type)).toEqual([
      'invoice.paid',
      'domain.order.processing',
      'domain.order.completed',
    ]);
    // The same invoice.paid a wallet payment writes: the receiver can match it to its order.
    const order = (await h.db('orders').where({ domainName: domain }).first('publicId')) as {
      publicId: string;
    };
    expect(Object.keys(events[0]!.payload).sort()).toEqual(INVOICE_PAID_KEYS);
    expect(events[0]!.payload).toMatchObject({
      purpose: 'order',
      order_id: order.publicId,
      domain_name: domain,
      gateway,
    });
  });

  it('10 duplicate callbacks in parallel make one payment and one provisioning', async () => {
    const r = await makeReseller(h.db, { currency });
    const domain = uniqueName(`dup-${gateway}`);
    const placed = await placeInvoiceOrder(h, r.token, domain, gateway);
    const statuses = await h.gw.pay(placed.attemptRef, { times: 10 });
    expect(statuses).toEqual(Array(10).fill(200));
    await eventually(async () => (await orderStatus(placed.orderId)) === 'completed');
    expect(await verdicts(placed.attemptRef)).toEqual(['accepted', ...Array<string>(9).fill('duplicate')]);
    expect(h.sim.count('register', domain)).toBe(1);
    // And a late duplicate after completion changes nothing either.
    expect(await h.gw.pay(placed.attemptRef)).toEqual([200]);
    expect(await h.db('ledger_entries').where({ resellerId: r.id })).toEqual([]);
    expect(h.sim.count('register', domain)).toBe(1);
  });

  it('a forged callback is refused and changes nothing', async () => {
    const r = await makeReseller(h.db, { currency });
    const placed = await placeInvoiceOrder(h, r.token, uniqueName(`forged-${gateway}`), gateway);
    const statuses = await h.gw.pay(placed.attemptRef, { forge: true });
    expect(statuses).toEqual([gateway === 'midtrans' ? 401 : 403]);
    const cb = h.gw.callbackFor(placed.attemptRef, { forge: true });
    const res = await call(`${h.api.url}${cb.path}`, { method: 'POST', headers: cb.headers, body: cb.body });
    expect(res.body).toMatchObject({
      success: false,
      code: gateway === 'midtrans' ? 'invalid_signature' : 'invalid_callback_token',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await orderStatus(placed.orderId)).toBe('awaiting_payment');
    expect(await h.db('invoices').where({ id: placed.invoiceId }).first('status')).toEqual({
      status: 'unpaid',
    });
    expect(await verdicts(placed.attemptRef)).toEqual(['forged', 'forged']);
  });

  it('a paid callback for another amount leaves the order unpaid and writes an audit event', async () => {
    const r = await makeReseller(h.db, { currency });
    const domain = uniqueName(`short-${gateway}`);
    const placed = await placeInvoiceOrder(h, r.token, domain, gateway);
    expect(
      await h.gw.pay(placed.attemptRef, { amount: gateway === 'midtrans' ? '1000.00' : '1.00' }),
    ).toEqual([200]);
    const audit = await eventually(
      async () =>
        (await h.db('audit_events').where({ resellerId: r.id, type: 'payment_mismatch' }).first()) as
          { data: Record<string, unknown> } | undefined,
    );
    expect(audit.data).toMatchObject({ expected: { currency }, received: { currency, gateway } });
    expect(await orderStatus(placed.orderId)).toBe('awaiting_payment');
    expect(await h.db('invoices').where({ id: placed.invoiceId }).first('status')).toEqual({
      status: 'unpaid',
    });
    expect(h.sim.count('register', domain)).toBe(0);
  });

  it('callbacks that do not mean paid are recorded and change nothing', async () => {
    const r = await makeReseller(h.db, { currency });
    const placed = await placeInvoiceOrder(h, r.token, uniqueName(`notpaid-${gateway}`), gateway);
    const statuses =
      gateway === 'midtrans' ? ['pending', 'deny', 'expire', 'cancel'] : ['EXPIRED', 'PENDING'];
    for (const status of statuses) expect(await h.gw.pay(placed.attemptRef, { status })).toEqual([200]);
    if (gateway === 'midtrans')
      expect(await h.gw.pay(placed.attemptRef, { status: 'capture', fraudStatus: 'challenge' })).toEqual([
        200,
      ]);
    expect(await verdicts(placed.attemptRef)).toEqual(
      Array(statuses.length + (gateway === 'midtrans' ? 1 : 0)).fill('not_paid'),
    );
    expect(await orderStatus(placed.orderId)).toBe('awaiting_payment');
  });

  it('a payment after the invoice expired is credited to the wallet, once', async () => {
    const r = await makeReseller(h.db, { currency });
    const domain = uniqueName(`late-${gateway}`);
    const placed = await placeInvoiceOrder(h, r.token, domain, gateway);
    await eventually(async () => (await orderStatus(placed.orderId)) === 'cancelled', 20_000);
    expect(await h.db('invoices').where({ id: placed.invoiceId }).first('status')).toEqual({
      status: 'expired',
    });
    const amount = BigInt(
      (
        (await h.db('invoices').where({ id: placed.invoiceId }).first('amountMinor')) as {
          amountMinor: string;
        }
      ).amountMinor,
    );

    expect(await h.gw.pay(placed.attemptRef, { times: 3 })).toEqual([200, 200, 200]);
    await eventually(async () => (await balanceOf(h.db, r.id, currency)).posted === amount);
    expect(await h.gw.pay(placed.attemptRef)).toEqual([200]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await balanceOf(h.db, r.id, currency)).posted).toBe(amount);
    const audit = (await h.db('audit_events').where({ resellerId: r.id, type: 'late_payment' })) as Array<{
      data: Record<string, unknown>;
    }>;
    expect(audit).toHaveLength(1);
    // Credited by the order workflow itself (callback while it was closing) or by latePaymentWorkflow.
    expect(['late_payment', 'invoice_expired']).toContain(audit[0]!.data['reason']);
    expect(audit[0]!.data).toMatchObject({ invoice_status: 'expired' });
    expect(h.sim.count('register', domain)).toBe(0);
  });
});

describe('unknown payments', () => {
  it('answers 200 to a valid callback for a payment that is not ours, and records it', async () => {
    const r = await makeReseller(h.db, { currency: 'IDR' });
    const placed = await placeInvoiceOrder(h, r.token, uniqueName('unknown'), 'midtrans');
    const sim = h.gw.payments.get(placed.attemptRef)!;
    h.gw.payments.set('someone-elses-order', { ...sim, ref: 'someone-elses-order' });
    expect(await h.gw.pay('someone-elses-order')).toEqual([200]);
    expect(
      await h.db('payment_callbacks').where({ attemptRef: 'someone-elses-order' }).first('verdict'),
    ).toEqual({
      verdict: 'unknown_reference',
    });
  });
});

describe('wallet top-ups through a gateway', () => {
  it('credits the wallet exactly once per successful payment', async () => {
    const r = await makeReseller(h.db);
    const res = await call(`${h.api.url}/api/reseller/v1/wallet/topups`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `topup-${r.id}`,
      },
      body: JSON.stringify({ amount: '50.00', gateway: 'xendit' }),
    });
    expect(res.status).toBe(201);
    const topup = (
      res.body['data'] as {
        topup: { id: string; status: string; payment_url: string; amount: { amount_minor: string } };
      }
    ).topup;
    expect(topup).toMatchObject({ status: 'unpaid', amount: { amount_minor: '5000' } });
    expect(topup.payment_url).toMatch(/^http/);
    const invoice = (await h.db('invoices').where({ publicId: topup.id }).first('id')) as { id: number };
    const attempt = (await h.db('payments').where({ invoiceId: invoice.id }).first('attemptRef')) as {
      attemptRef: string;
    };

    expect(await h.gw.pay(attempt.attemptRef, { times: 5 })).toEqual(Array(5).fill(200));
    await eventually(async () => (await balanceOf(h.db, r.id)).posted === 5_000n);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await balanceOf(h.db, r.id)).toEqual({
      currency: 'USD',
      posted: 5_000n,
      held: 0n,
      available: 5_000n,
    });
    const events = (await h.db('events').where({ resellerId: r.id })) as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toEqual(['invoice.paid']);

    const bad = await call(`${h.api.url}/api/reseller/v1/wallet/topups`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `topup-bad-${r.id}`,
      },
      body: JSON.stringify({ amount: '1.234' }),
    });
    expect(bad.status).toBe(422);
    expect(bad.body['errors']).toEqual({ amount: ['Send the amount as a decimal with at most 2 decimals.'] });
  });

  it('a gateway payment for an invoice already paid from the wallet goes to the wallet, not to a second charge', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 5_000n);
    const domain = uniqueName('both');
    const placed = await placeInvoiceOrder(h, r.token, domain, 'xendit');
    const pay = await call(
      `${h.api.url}/api/reseller/v1/invoices/${placed.invoicePublicId}/pay`,
      form(r.token, [], `pay-${domain}`),
    );
    expect(pay.status).toBe(200);
    await eventually(async () => (await orderStatus(placed.orderId)) === 'completed');
    expect(await h.gw.pay(placed.attemptRef)).toEqual([200]);
    // 5000 − 1299 (wallet payment) + 1299 (the gateway payment, credited back).
    await eventually(async () => (await balanceOf(h.db, r.id)).posted === 5_000n);
    expect(h.sim.count('register', domain)).toBe(1);
  });
});
