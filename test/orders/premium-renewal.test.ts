/**
 * A premium name renews at the registrar's premium renewal price for it (Dynadot's `renew` with
 * `price_check=1`), never at the catalog's; the caller accepts that price as for a registration.
 * An auto-renewal whose yearly price rose more than AUTO_RENEW_PRICE_RISE_BPS (10 %) above what the
 * reseller last paid charges nothing and tells them (webhook event, API, portal); the margin
 * report shows a sale below cost as a loss of its own.
 */
import { describe, expect, it } from 'vitest';
import { setPassword, signIn } from '../../src/services/sessions';
import type { expiryRemindersWorkflow } from '../../workflows';
import { DEFAULT_TASK_QUEUES } from '../../workflows/contracts';
import { runCli } from '../cli-helpers';
import { call, makeAdmin, makeReseller, request } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

const h = useOrderHarness();

/** A premium name registered through the API at the simulator's 500.00 USD (+20 % premium margin). */
async function premiumDomain(r: { apiKey: string }) {
  const name = uniqueName('premium');
  const placed = await request(h.api.url, '/api/v1/domains/register', {
    apiKey: r.apiKey,
    body: { domain_name: name, registrant: SEED_CONTACT, premium_price: '600.00' },
  });
  expect(placed.status, placed.text).toBe(201);
  return name;
}

const renew = (r: { apiKey: string }, name: string, extra: Record<string, unknown> = {}) =>
  call(`${h.api.url}/api/v1/domains/${name}/renew`, {
    method: 'POST',
    headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ period: 1, ...extra }),
  });

/** Every `renew` call the registrar received (price checks and renewals alike). */
const renewCalls = () => h.sim.calls.get('renew') ?? 0;

describe('premium renewals', () => {
  it("renew at the registrar's renewal price for the name, once the caller accepts it", async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 200_000n);
    const name = await premiumDomain(r);
    expect(await h.db('domains').where({ name }).first('premium', 'lastPaidMinor')).toEqual({
      premium: true,
      lastPaidMinor: '60000',
    });

    // The registrar now asks 650.00 a year for it: 780.00 with the premium margin, never the
    // catalog's 12.99.
    h.sim.renewalPrices.set(name, '650.00');
    const before = renewCalls();
    const ask = await renew(r, name);
    expect(ask.status).toBe(422);
    expect(ask.body).toMatchObject({
      code: 'premium_price_required',
      errors: { premium_price: ['The premium price is 780.00 USD.'] },
    });
    expect(renewCalls() - before).toBe(1);
    expect((await renew(r, name, { premium_price: '12.99' })).body).toMatchObject({
      code: 'premium_price_mismatch',
    });
    const ok = await renew(r, name, { premium_price: '780.00' });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toMatchObject({
      data: { order: { action: 'renew', status: 'completed', amount: { amount: '780.00' } } },
    });
    expect(h.sim.count('renew', name)).toBe(1);
    const order = (await h
      .db('orders')
      .where({ domainName: name, action: 'renew' })
      .first('amountMinor', 'costMinor', 'costCurrency', 'premium')) as Record<string, unknown>;
    expect(order).toEqual({ amountMinor: '78000', costMinor: '65000', costCurrency: 'USD', premium: true });
    expect((await balanceOf(h.db, r.id)).posted).toBe(200_000n - 60_000n - 78_000n);
    expect(await h.db('domains').where({ name }).first('lastPaidMinor')).toEqual({ lastPaidMinor: '78000' });

    // A standard name still renews at the catalog's price, with no registrar price check.
    const plain = uniqueName('plainrenew');
    h.sim.seedDomain(plain, new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1)));
    await h.db('domains').insert({
      resellerId: r.id,
      name: plain,
      expiresAt: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1)),
      status: 'active',
    });
    const checks = renewCalls();
    const standard = await renew(r, plain);
    expect(standard.status, standard.text).toBe(201);
    expect(standard.body).toMatchObject({ data: { order: { amount: { amount: '12.99' } } } });
    expect(renewCalls() - checks).toBe(1); // the renewal itself, no price_check
  });

  it('holds an auto-renewal whose price rose past the allowed share: nothing charged, the reseller told once', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 200_000n);
    const name = await premiumDomain(r);
    const soon = new Date(Date.now() + 3 * 86_400_000);
    await h.db('domains').where({ name }).update({ expiresAt: soon, autoRenew: true });
    h.sim.domains.get(name)!.expiresAt = soon.getTime();
    const runScan = () =>
      h.temporal.workflow.execute<typeof expiryRemindersWorkflow>('expiryRemindersWorkflow', {
        taskQueue: DEFAULT_TASK_QUEUES.default,
        workflowId: `premium-reminders-${Date.now()}-${Math.random()}`,
        args: [
          { thresholdsDays: [30, 7, 1], autoRenewDays: 7, orderTaskQueue: DEFAULT_TASK_QUEUES.provisioning },
        ],
      });

    // 560.00 at the registrar: 672.00 a year, 12 % above the 600.00 last paid (10 % allowed).
    h.sim.renewalPrices.set(name, '560.00');
    const paid = (await balanceOf(h.db, r.id)).posted;
    await runScan();
    await runScan();
    expect(h.sim.count('renew', name)).toBe(0);
    expect(await h.db('orders').where({ domainName: name, action: 'renew' })).toEqual([]);
    expect((await balanceOf(h.db, r.id)).posted).toBe(paid);
    const told = (await h
      .db('events')
      .where({ resellerId: r.id, type: 'domain.renewal_price_changed' })) as Array<{
      payload: Record<string, unknown>;
    }>;
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toMatchObject({
      domain_name: name,
      premium: true,
      expires_at: soon.toISOString(),
      previous_price: { amount: '600.00', currency: 'USD' },
      renewal_price: { amount: '672.00', amount_minor: '67200', currency: 'USD' },
      auto_renew_held: true,
    });

    // The API and the portal say so.
    const shown = await request(h.api.url, `/api/v1/domains/${name}`, { apiKey: r.apiKey });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).toContain('"renewal_held":{"renewal_price":{');
    const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'reseller', r.id, 'correct horse battery staple');
    const cookie = `dr_session=${await signIn(h.db, 'reseller', email, 'correct horse battery staple', {})}`;
    const id = ((await h.db('domains').where({ name }).first('id')) as { id: number }).id;
    const page = await fetch(`${h.api.url}/portal/domains/${id}`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/Auto-renewal held: a year now costs 672\.00 USD, up from the 600\.00 USD/);

    // Back within the share (540.00: 648.00, 8 % more): the next scan renews it at that price.
    h.sim.renewalPrices.set(name, '540.00');
    await runScan();
    const renewed = (await eventually(
      async () =>
        (await h.db('orders').where({ domainName: name, action: 'renew', status: 'completed' }).first()) as
          Record<string, unknown> | undefined,
    )) as Record<string, unknown>;
    expect(renewed).toMatchObject({ amountMinor: '64800', costMinor: '54000', premium: true });
    expect(h.sim.count('renew', name)).toBe(1);
    expect((await balanceOf(h.db, r.id)).posted).toBe(paid - 64_800n);
    expect(await h.db('domains').where({ name }).first('renewalHeld')).toEqual({ renewalHeld: null });
  });

  it('shows a sale below its registrar cost as a loss, never netted out of sight', async () => {
    const r = await makeReseller(h.db, { currency: 'USD' });
    await topUp(h.db, r.id, 10_000n);
    const admin = await makeAdmin(h.db);
    const from = new Date().toISOString().slice(0, 10);
    // An order priced below what the registrar charged (as a catalog price set too low would be).
    const name = uniqueName('loss');
    const placed = await request(h.api.url, '/api/v1/domains/register', {
      apiKey: r.apiKey,
      body: { domain_name: name, registrant: SEED_CONTACT },
    });
    expect(placed.status, placed.text).toBe(201);
    await h
      .db('orders')
      .where({ domainName: name })
      .update({ costMinor: '2000', costCurrency: 'USD', exchangeRate: '1' });
    const report = await request(h.api.url, `/api/admin/v1/reports/margin?from=${from}`, {
      token: admin.token,
    });
    expect(report.status, report.text).toBe(200);
    const usd = (report.body['data'] as { currencies: Array<Record<string, unknown>> }).currencies.find(
      (c) => c['currency'] === 'USD',
    );
    expect(usd).toMatchObject({ below_cost: 1, loss: '7.01' });
    const cli = await runCli(['report:margin', '--from', from]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('warn: 1 USD order(s) sold below their registrar cost, 7.01 USD lost');
  });
});
