import { describe, expect, it } from 'vitest';
import { DEMO_CATALOG, upsertPrices } from '../../src/services/catalog';
import { importRegistrarPrices } from '../../src/services/catalog-admin';
import { marginReport } from '../../src/services/margins';
import { setRate } from '../../src/services/exchange-rates';
import { call, makeAdmin, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

/*
 * Orders end to end against the simulator in its live mode: premium names priced from the
 * registrar's sentence, a reseller in IDR on a USD registrar account, a transfer that waits for a
 * new auth code, and a lost register answer while domain_info lags behind.
 */
const h = useOrderHarness();

const post = (key: string, path: string, body: unknown) =>
  call(`${h.api.url}${path}`, {
    method: 'POST',
    headers: { 'X-API-KEY': key, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const register = (key: string, domain: string, extra: Record<string, unknown> = {}) =>
  post(key, '/api/v1/domains/register', { domain_name: domain, registrant: SEED_CONTACT, ...extra });

interface OrderRow {
  status: string;
  amountMinor: string;
  currency: string;
  costMinor: string | null;
  costCurrency: string | null;
  exchangeRate: string | null;
  premium: boolean;
  transferStatus: string | null;
}
const orderOf = async (domain: string) =>
  (await h.db('orders').where({ domainName: domain }).first()) as OrderRow;

describe('premium names, from the live price sentence', () => {
  it('prices a premium name from the registrar (policy margin, reseller markup), registers it with premium=1, records the cost', async () => {
    const admin = await makeAdmin(h.db);
    const setPolicy = (allowed: boolean) =>
      call(`${h.api.url}/api/admin/v1/catalog/premium-policies/io`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ allowed, margin: '10%' }),
      });
    expect((await setPolicy(true)).status).toBe(200);
    try {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 100_000n);
      const domain = uniqueName('premium', 'io');
      // The registrar's 500.00 USD, plus the policy's 10%: never the catalog's 39.99.
      const check = await post(r.apiKey, '/api/v1/domains/check', { domain_name: domain });
      expect(check.body).toMatchObject({
        data: { domain: { available: true, premium: true, prices: { register: { amount: '550.00' } } } },
      });
      // A wallet order asks the registrar nothing first: the registration itself is refused
      // (premium, sent without premium=1) and says the price, looked up once.
      const refused = await register(r.apiKey, domain);
      expect(refused.body).toMatchObject({
        code: 'premium_price_required',
        message: 'This is a premium name. Send premium_price 550.00 to accept it.',
      });
      const res = await register(r.apiKey, domain, { premium_price: '550.00' });
      expect(res.status).toBe(201);
      // The simulator refuses a premium name sent without premium=1: it holds the domain now.
      expect(h.sim.domains.has(domain)).toBe(true);
      expect(h.sim.count('register', domain)).toBe(1);
      // The refused order stays failed, with its hold voided; the accepted one is another order.
      const orders = (await h.db('orders').where({ domainName: domain }).orderBy('id')) as OrderRow[];
      expect(orders.map((o) => [o.status, o.premium])).toEqual([
        ['failed', false],
        ['completed', true],
      ]);
      expect(orders[1]).toMatchObject({
        amountMinor: '55000',
        costMinor: '50000',
        costCurrency: 'USD',
      });
      expect((await balanceOf(h.db, r.id)).posted).toBe(100_000n - 55_000n);

      // Refused by policy: 422 before anything is held.
      expect((await setPolicy(false)).status).toBe(200);
      const other = uniqueName('premium', 'io');
      const no = await register(r.apiKey, other, { premium_price: '550.00' });
      expect(no.status).toBe(422);
      expect(no.body).toMatchObject({ code: 'premium_not_offered' });
      expect(h.sim.domains.has(other)).toBe(false);
    } finally {
      await h.db('premium_policies').where({ tld: 'io' }).del();
    }
  });
});

describe('an IDR reseller on a USD registrar account', () => {
  it('imports USD costs converted at the operator rate, orders in IDR, and records cost and price', async () => {
    const calls: string[] = [];
    try {
      // No rate: the import is refused.
      await expect(
        importRegistrarPrices(
          { db: h.db, registrar: h.registrar, config: { EXCHANGE_RATE_MAX_AGE_HOURS: 24 } },
          'system',
          { marginBps: 2000, currency: 'IDR', tlds: ['org'] },
        ),
      ).rejects.toMatchObject({ code: 'exchange_rate_missing' });
      await setRate(h.db, 'system', { from: 'USD', to: 'IDR', rate: '16250' });
      const { changes } = await importRegistrarPrices(
        { db: h.db, registrar: h.registrar, config: { EXCHANGE_RATE_MAX_AGE_HOURS: 24 } },
        'system',
        {
          marginBps: 2000,
          currency: 'IDR',
          tlds: ['org'],
        },
      );
      // 11.99 USD × 16250 = 194,837.5 → 194,838 IDR, + 20% → 233,806 (rounded up).
      expect(changes.find((c) => c.action === 'register')?.after.price).toBe('233806');
      const r = await makeReseller(h.db, { currency: 'IDR' });
      await topUp(h.db, r.id, 1_000_000n, 'IDR');
      const domain = uniqueName('idr', 'org');
      const before = h.sim.calls.get('register') ?? 0;
      const res = await register(r.apiKey, domain);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        data: { order: { amount: { currency: 'IDR', amount_minor: '233806' } } },
      });
      expect(h.sim.calls.get('register')).toBe(before + 1);
      // The registrar was asked in its own currency, and the order keeps both sides.
      expect(h.sim.operations.find((o) => o.domain === domain)?.currency).toBe('USD');
      expect(await orderOf(domain)).toMatchObject({
        status: 'completed',
        currency: 'IDR',
        amountMinor: '233806',
        costMinor: '1199',
        costCurrency: 'USD',
        exchangeRate: '16250',
      });
      expect((await balanceOf(h.db, r.id, 'IDR')).posted).toBe(1_000_000n - 233_806n);
      const report = await marginReport(h.db, {
        from: new Date(Date.now() - 3_600_000),
        to: new Date(Date.now() + 60_000),
      });
      const idr = report.find((row) => row.currency === 'IDR')!;
      expect(idr.orders).toBeGreaterThanOrEqual(1);
      expect(BigInt(idr.margin)).toBeGreaterThan(0n);
      calls.push('done');
    } finally {
      await upsertPrices(
        h.db,
        DEMO_CATALOG.filter((p) => p.tld === 'org' && p.currency === 'IDR'),
      );
      await h
        .db('catalog_prices')
        .where({ tld: 'org', currency: 'IDR' })
        .update({ costMinor: null, costCurrency: null });
    }
    expect(calls).toEqual(['done']);
  });
});

describe('a transfer through "auth code needed" to Transferred', () => {
  it('shows the state and what to do, takes a new auth code, and completes', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('transferauth');
    const res = await post(r.apiKey, `/api/v1/domains/${domain}/transfer`, { auth_code: 'OLD-CODE' });
    expect([201, 202]).toContain(res.status);
    const orderId = (res.body as { data: { order: { id: string } } }).data.order.id;
    const shown = await eventually(async () => {
      const o = await call(`${h.api.url}/api/v1/orders/${orderId}`, { headers: { 'X-API-KEY': r.apiKey } });
      const order = (o.body as { data: { order: { transfer: { status: string; message: string } | null } } })
        .data.order;
      return order.transfer?.status === 'auth_code_needed' ? order : null;
    }, 30_000);
    expect(shown.transfer!.message).toMatch(/auth code/);
    // The reseller was told, as the state changed.
    const events = (await h
      .db('events')
      .where({ resellerId: r.id, type: 'domain.order.processing' })
      .select('payload')) as Array<{ payload: { transfer_status: string | null } }>;
    expect(events.map((e) => e.payload.transfer_status)).toContain('auth_code_needed');
    // Funds stay held while it waits; nothing is refunded.
    expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 10_000n, available: 10_000n - 1_170n });

    const sent = await post(r.apiKey, `/api/v1/orders/${orderId}/auth-code`, { auth_code: 'NEW-CODE' });
    expect(sent.status).toBe(202);
    await eventually(async () => (await orderOf(domain)).status === 'completed', 30_000);
    expect(h.sim.domains.has(domain)).toBe(true);
    expect(h.sim.count('transfer', domain)).toBe(1);
    expect((await balanceOf(h.db, r.id)).posted).toBe(10_000n - 1_170n);
    // Only a transfer in progress takes a code.
    const late = await post(r.apiKey, `/api/v1/orders/${orderId}/auth-code`, { auth_code: 'X' });
    expect(late.status).toBe(422);
  });
});

describe('a lost register answer while domain_info lags', () => {
  it('settles from the account’s domain list: registers once and completes', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('lagged');
    h.sim.lagMs = 120_000;
    try {
      h.sim.failNextCall('lost', 'register');
      const res = await register(r.apiKey, domain);
      expect([201, 202]).toContain(res.status);
      await eventually(async () => (await orderOf(domain)).status === 'completed', 40_000);
      expect(h.sim.count('register', domain)).toBe(1);
      expect((await balanceOf(h.db, r.id)).posted).toBe(10_000n - 1_299n);
    } finally {
      h.sim.lagMs = 0;
    }
  });
});
