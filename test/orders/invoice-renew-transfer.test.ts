import { describe, expect, it } from 'vitest';
import { Domain } from '../../src/db/models';
import { call, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { INVOICE_PAID_KEYS } from '../event-contract';

const h = useOrderHarness();

const form = (token: string, fields: Array<[string, string]>, key?: string) => ({
  method: 'POST',
  headers: {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    ...(key ? { 'Idempotency-Key': key } : {}),
  },
  body: new URLSearchParams(fields).toString(),
});

interface OrderJson {
  id: string;
  status: string;
  invoice: { id: string; status: string; amount: { amount_minor: string } } | null;
}

/** `POST /api/v1/domains/{ref}/transfer` with this body. */
const postTransfer = (apiKey: string, ref: string | number, body: Record<string, unknown>) =>
  call(`${h.api.url}/api/v1/domains/${ref}/transfer`, {
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

const completedOrder = (domain: string) =>
  eventually(
    async () => (await h.db('orders').where({ domainName: domain, status: 'completed' }).first()) as unknown,
    30_000,
  );

describe('seed 000 order/invoice API', () => {
  it('creates an unpaid invoice, provisions only after a wallet payment, and bills exactly once', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 5_000n);
    const domain = uniqueName('invoice');
    const created = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(
        r.token,
        [
          ['domain', domain],
          ['years', '1'],
          ['privacy', 'full'],
          ['auto_renew', '1'],
        ],
        `reg-${domain}`,
      ),
    );
    expect(created.status).toBe(201);
    const order = (created.body['data'] as { order: OrderJson }).order;
    expect(order).toMatchObject({
      status: 'awaiting_payment',
      invoice: { status: 'unpaid', amount: { amount_minor: '1299' } },
    });
    // Nothing charged, nothing registered while the invoice is unpaid.
    expect((await balanceOf(h.db, r.id)).available).toBe(5_000n);
    expect(h.sim.count('register', domain)).toBe(0);

    const pay = await call(
      `${h.api.url}/api/reseller/v1/invoices/${order.invoice!.id}/pay`,
      form(r.token, [], `pay-${domain}`),
    );
    expect(pay.status).toBe(200);
    expect(pay.body).toMatchObject({ success: true, data: { order: { invoice: { status: 'paid' } } } });
    const payAgain = await call(
      `${h.api.url}/api/reseller/v1/invoices/${order.invoice!.id}/pay`,
      form(r.token, [], `pay2-${domain}`),
    );
    expect(payAgain.status).toBe(200);

    await eventually(
      async () =>
        (await h.db('orders').where({ publicId: order.id, status: 'completed' }).first()) as unknown,
    );
    expect(h.sim.count('register', domain)).toBe(1);
    // Paid again once the order's workflow has ended: the same answer, nothing charged (this
    // was a 500 when the second pay reached a finished run).
    const payAfter = await call(
      `${h.api.url}/api/reseller/v1/invoices/${order.invoice!.id}/pay`,
      form(r.token, [], `pay3-${domain}`),
    );
    expect(payAfter.status).toBe(200);
    expect(payAfter.body).toMatchObject({ success: true, data: { order: { invoice: { status: 'paid' } } } });
    expect(await balanceOf(h.db, r.id)).toEqual({
      currency: 'USD',
      posted: 3_701n,
      held: 0n,
      available: 3_701n,
    });
    const entries = (await h.db('ledger_entries').where({ resellerId: r.id }).orderBy('id')) as Array<{
      kind: string;
      status: string;
    }>;
    expect(entries.map((e) => [e.kind, e.status])).toEqual([
      ['topup', 'posted'],
      ['invoice_payment', 'posted'],
    ]);
    const saved = await Domain.query(h.db).findOne({ name: domain });
    expect(saved).toMatchObject({ privacy: 'full', autoRenew: true, resellerId: r.id });
    // privacy=full reached the registrar, and the native API reads it from there.
    expect((await h.registrar.info(domain))?.privacy).toBe('full');
    const privacy = await call(`${h.api.url}/api/v1/domains/${domain}/privacy`, {
      headers: { 'X-API-KEY': r.apiKey },
    });
    expect(privacy.body).toMatchObject({ success: true, data: { enabled: true, privacy: 'full' } });
    const events = (await h.db('events').where({ resellerId: r.id }).orderBy('sequence')) as Array<{
      type: string;
      payload: Record<string, unknown>;
    }>;
    expect(events.map((e) => e.type)).toEqual([
      'invoice.paid',
      'domain.order.processing',
      'domain.order.completed',
    ]);
    expect(events[0]!.payload).toMatchObject({
      purpose: 'order',
      order_id: order.id,
      domain_name: domain,
      gateway: 'wallet',
      invoice_id: expect.stringMatching(/^inv_/) as unknown,
    });
    expect(Object.keys(events[0]!.payload).sort()).toEqual(INVOICE_PAID_KEYS);
    expect(events[2]!.payload).toMatchObject({
      order_id: order.id,
      status: 'completed',
      domain_name: domain,
    });

    const list = await call(`${h.api.url}/api/reseller/v1/orders`, {
      headers: { Authorization: `Bearer ${r.token}` },
    });
    expect((list.body['data'] as { orders: OrderJson[] }).orders.map((o) => [o.id, o.status])).toEqual([
      [order.id, 'completed'],
    ]);
  });

  it('requires an Idempotency-Key, replays a retried request and refuses a reused key with another body', async () => {
    const r = await makeReseller(h.db);
    const domain = uniqueName('keys');
    const missing = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(r.token, [['domain', domain]]),
    );
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ success: false, code: 'idempotency_key_missing' });

    const first = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(r.token, [['domain', domain]], `k-${domain}`),
    );
    const again = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(r.token, [['domain', domain]], `k-${domain}`),
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const reused = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(
        r.token,
        [
          ['domain', domain],
          ['years', '2'],
        ],
        `k-${domain}`,
      ),
    );
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(
      await h.db('invoices').where({ resellerId: r.id }).count<{ count: string }[]>('* as count'),
    ).toEqual([{ count: '1' }]);

    // Keys are per reseller: another reseller's identical key is its own.
    const other = await makeReseller(h.db);
    const theirs = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(other.token, [['domain', uniqueName('keys-other')]], `k-${domain}`),
    );
    expect(theirs.status).toBe(201);
  });

  it('refuses a wallet payment the balance cannot cover, leaving the invoice unpaid', async () => {
    const r = await makeReseller(h.db);
    const domain = uniqueName('short');
    const created = await call(
      `${h.api.url}/api/reseller/v1/orders/register`,
      form(r.token, [['domain', domain]], `k-${domain}`),
    );
    const invoiceId = (created.body['data'] as { order: OrderJson }).order.invoice!.id;
    const pay = await call(
      `${h.api.url}/api/reseller/v1/invoices/${invoiceId}/pay`,
      form(r.token, [], `pay-${domain}`),
    );
    expect(pay.status).toBe(422);
    expect(pay.body).toMatchObject({ code: 'insufficient_balance' });
    expect(await h.db('invoices').where({ publicId: invoiceId }).first('status')).toEqual({
      status: 'unpaid',
    });
    expect(await h.db('ledger_entries').where({ resellerId: r.id })).toEqual([]);
  });

  it('searches single and bulk (form domains[]) with availability, premium flags and catalog prices', async () => {
    const r = await makeReseller(h.db);
    const names = Array.from({ length: 99 }, (_, i) =>
      i === 0 ? uniqueName('taken') : i === 1 ? uniqueName('premium') : uniqueName('free'),
    );
    const res = await call(
      `${h.api.url}/api/reseller/v1/domains/search`,
      form(r.token, [...names.map((n): [string, string] => ['domains[]', n]), ['domains[]', 'not a domain']]),
    );
    expect(res.status).toBe(200);
    const results = (res.body['data'] as { results: Array<Record<string, unknown>> }).results;
    expect(results).toHaveLength(100);
    expect(results[0]).toMatchObject({ domain_name: names[0], available: false });
    expect(results[1]).toMatchObject({
      domain_name: names[1],
      available: true,
      premium: true,
      // The registrar's 500.00 USD with the default premium margin (20%), never the catalog price.
      prices: { register: { amount_minor: '60000' } },
    });
    expect(results[2]).toMatchObject({
      available: true,
      premium: false,
      prices: { register: { amount: '12.99' }, transfer: { amount_minor: '1170' } },
    });
    expect(results[99]).toMatchObject({
      domain_name: 'not a domain',
      available: null,
      reason: 'The domain name contains invalid characters.',
    });

    const tooMany = await call(
      `${h.api.url}/api/reseller/v1/domains/search`,
      form(
        r.token,
        Array.from({ length: 101 }, (_, i): [string, string] => ['domains[]', `n${i}.com`]),
      ),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.body['errors']).toEqual({ domains: ['Send at most 100 domains per search.'] });
  });

  it('sells a premium name only at the price the caller accepts', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 100_000n);
    const domain = uniqueName('premium');
    const body = { domain_name: domain, registrant: SEED_CONTACT };
    const post = (extra: Record<string, unknown>) =>
      call(`${h.api.url}/api/v1/domains/register`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...body, ...extra }),
      });
    // A wallet order asks the registrar nothing first: the registration refuses a premium name
    // sent without premium=1, and the order fails (hold voided) with the price to accept.
    const ask = await post({});
    expect(ask.status).toBe(422);
    const asked = 'This is a premium name. Send premium_price 600.00 to accept it.';
    expect(ask.body).toMatchObject({
      code: 'premium_price_required',
      message: asked,
      errors: { premium_price: [asked] },
    });
    expect((await balanceOf(h.db, r.id)).posted).toBe(100_000n);
    expect((await post({ premium_price: '500.00' })).body).toMatchObject({ code: 'premium_price_mismatch' });
    const ok = await post({ premium_price: '600.00' });
    expect(ok.status, ok.text).toBe(201);
    expect((await balanceOf(h.db, r.id)).posted).toBe(40_000n);
  });
});

describe('renew and transfer (seed 003)', () => {
  async function ownedDomain(resellerId: number, name: string, expiresAt: Date) {
    h.sim.seedDomain(name, expiresAt);
    await h.db('domains').insert({ resellerId, name, expiresAt, status: 'active' });
  }

  it('renews once, and a retried renew without a key replays instead of renewing twice', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('renew');
    const expiry = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1));
    await ownedDomain(r.id, domain, expiry);
    const renew = () =>
      call(`${h.api.url}/api/v1/domains/${domain}/renew`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ period: 1 }),
      });
    const first = await renew();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      message: 'Domain renewed successfully.',
      data: { order: { action: 'renew', status: 'completed' } },
    });
    const second = await renew();
    expect(second.status).toBe(200);
    expect((second.body['data'] as { order: { id: string } }).order.id).toBe(
      (first.body['data'] as { order: { id: string } }).order.id,
    );
    expect(h.sim.count('renew', domain)).toBe(1);
    const row = await Domain.query(h.db).findOne({ name: domain });
    expect(row!.expiresAt!.getUTCFullYear()).toBe(expiry.getUTCFullYear() + 1);
    expect((await balanceOf(h.db, r.id)).posted).toBe(10_000n - 1_299n);
    expect(
      await h
        .db('audit_events')
        .where({ resellerId: r.id, type: 'reconciliation' })
        .count<{ count: string }[]>('* as count'),
    ).toEqual([{ count: '1' }]);
  });

  it("answers 404 for another reseller's domain, by name or portal ID", async () => {
    const owner = await makeReseller(h.db);
    const other = await makeReseller(h.db);
    const domain = uniqueName('mine');
    await ownedDomain(owner.id, domain, new Date(Date.now() + 200 * 24 * 3600_000));
    const id = ((await h.db('domains').where({ name: domain }).first('id')) as { id: number }).id;
    for (const ref of [domain, String(id)]) {
      const show = await call(`${h.api.url}/api/v1/domains/${ref}`, {
        headers: { 'X-API-KEY': other.apiKey },
      });
      expect(show.status).toBe(404);
      expect(show.body).toMatchObject({ success: false, code: 'domain_not_found' });
      const renew = await call(`${h.api.url}/api/v1/domains/${ref}/renew`, {
        method: 'POST',
        headers: { 'X-API-KEY': other.apiKey, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(renew.status).toBe(404);
    }
    expect(
      (await call(`${h.api.url}/api/v1/domains/${id}`, { headers: { 'X-API-KEY': owner.apiKey } })).status,
    ).toBe(200);
  });

  it('transfers in: holds funds, polls the registrar durably, and bills only on completion', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('taken');
    const res = await postTransfer(r.apiKey, domain, { auth_code: 'EPP-SECRET-XYZ' });
    expect([201, 202]).toContain(res.status);
    await completedOrder(domain);
    expect(h.sim.count('transfer', domain)).toBe(1);
    expect((await balanceOf(h.db, r.id)).posted).toBe(10_000n - 1_170n);
    // The auth code never sits in the database in clear, and is dropped once the transfer ends.
    const order = (await h.db('orders').where({ domainName: domain }).first()) as { authCode: string | null };
    expect(order.authCode).toBeNull();
    await h.api.flushLogs();
    const logRows = (await h.db('api_logs').where({ resellerId: r.id })) as unknown[];
    expect(logRows.length).toBeGreaterThan(0);
    const logs = JSON.stringify(logRows);
    expect(logs).not.toContain('EPP-SECRET-XYZ');
  });

  it('transfers a domain already in the account (by portal ID, with epp_code) in place; refuses one the registrar holds', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    // In the account (imported by an operator), not yet at our registrar.
    const domain = uniqueName('taken');
    const [row] = (await h
      .db('domains')
      .insert({ resellerId: r.id, name: domain, status: 'imported' })
      .returning('id')) as Array<{ id: number }>;
    const res = await postTransfer(r.apiKey, row!.id, { epp_code: 'EPP-OWNED-1' });
    expect([201, 202]).toContain(res.status);
    await completedOrder(domain);
    expect(h.sim.count('transfer', domain)).toBe(1);
    const info = await h.registrar.info(domain);
    expect(info?.domain).toBe(domain);
    // The same row, now saying what the registrar holds; charged once.
    const rows = (await h.db('domains').where({ name: domain })) as Array<{
      id: number;
      status: string;
      expiresAt: Date;
    }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: row!.id, status: 'active' });
    expect(rows[0]!.expiresAt.toISOString()).toBe(info!.expiresAt!.toISOString());
    expect((await balanceOf(h.db, r.id)).posted).toBe(10_000n - 1_170n);

    // Now the registrar holds it for us: a second transfer is refused, by ID or by name.
    for (const ref of [String(row!.id), domain]) {
      const again = await postTransfer(r.apiKey, ref, { auth_code: 'EPP-OWNED-1' });
      expect(again.status, ref).toBe(422);
      expect(again.body['code'], ref).toBe('domain_unavailable');
    }
    const missing = await postTransfer(r.apiKey, uniqueName('taken'), {});
    expect(missing.status).toBe(422);
    expect(missing.body['errors']).toEqual({ auth_code: ['The auth code field is required.'] });
    // Another reseller's portal ID is a 404.
    const other = await makeReseller(h.db);
    const foreign = await postTransfer(other.apiKey, row!.id, { auth_code: 'X' });
    expect(foreign.status).toBe(404);
  });

  it('fails a transfer the registrar refuses and voids its hold', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('transferfail');
    await postTransfer(r.apiKey, domain, { auth_code: 'whatever' });
    await eventually(
      async () => (await h.db('orders').where({ domainName: domain, status: 'failed' }).first()) as unknown,
      30_000,
    );
    expect(await balanceOf(h.db, r.id)).toEqual({
      currency: 'USD',
      posted: 10_000n,
      held: 0n,
      available: 10_000n,
    });
    const bad = await postTransfer(r.apiKey, uniqueName('taken'), { auth_code: 'BADAUTH' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'registrar_rejected', message: 'invalid auth code' });
    expect((await balanceOf(h.db, r.id)).available).toBe(10_000n);
  });
});
