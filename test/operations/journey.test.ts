import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { checkLedger } from '../../src/services/ledger-check';
import { eventsAgainstDocument } from '../event-contract';
import { type OrderHarness, startOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, uniqueName, withRefusedCapture } from '../order-helpers';
import { request, type RequestOptions } from '../helpers';
import { runCli } from '../cli-helpers';
import { poolDatabaseUrl, poolNamespace } from '../pool';

/*
 * The "done when", as an operator and a reseller would do it, on a database with nothing
 * in it but the schema: no prices, no resellers, no admins. Only the CLI and the HTTP API are used
 * to act; the database is read only to check what they did.
 */

let url: string;
let db: Knex;
let h: OrderHarness;
let env: Record<string, string>;

beforeAll(async () => {
  const u = new URL(poolDatabaseUrl());
  u.pathname = `/dr_journey_${randomBytes(4).toString('hex')}`;
  url = u.toString();
  await ensureDatabase(url);
  db = createKnex(url, { max: 5 });
  await migrateLatest(db);
  h = await startOrderHarness({ db });
  env = { DATABASE_URL: url, DYNADOT_API_URL: h.sim.apiUrl, DYNADOT_API_KEY: 'test-key' };
});

afterAll(async () => {
  const findings = h ? await checkLedger(h.db) : [];
  const events = h ? await eventsAgainstDocument(h.db, h.api.url) : { problems: [] };
  await h?.close();
  await dropDatabase(url);
  expect(findings).toEqual([]);
  expect(events.problems).toEqual([]);
});

const send = (path: string, opts: RequestOptions = {}) => request(h.api.url, path, opts);

describe('running the business from an empty database with the CLI and the API only', () => {
  it('admin, prices from the registrar, a reseller with money, self-service, an order, a statement, logs, a review', async () => {
    // 1. An operator creates the first admin.
    const created = await runCli(['admin:create', '--email', 'ops@example.test', '--name', 'Ops'], env);
    expect(created.code, created.stderr).toBe(0);
    const admin = /Admin token:\s+(dat_\S+)/.exec(created.stdout)![1]!;

    // An empty catalog: doctor warns, every quote is refused.
    const doctor = await runCli(['doctor'], env);
    expect(doctor.stdout).toMatch(/^warn\s+catalog\s+no active prices/m);

    // 2. Prices from the registrar simulator's tld_price, with a 20 % margin (a dry run first).
    const dry = await runCli(
      ['catalog:import-registrar', '--margin', '20%', '--currency', 'USD', '--tld', 'com,net', '--dry-run'],
      env,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would add 6, would change 0');
    expect(await db('catalogPrices').count<{ count: string }[]>('id as count')).toEqual([{ count: '0' }]);
    const imported = await runCli(
      ['catalog:import-registrar', '--margin', '20%', '--currency', 'USD', '--tld', 'com,net'],
      env,
    );
    expect(imported.code, imported.stderr).toBe(0);
    const prices = (await db('catalogPrices').orderBy(['tld', 'action'])) as Array<{
      tld: string;
      action: string;
      priceMinor: string;
    }>;
    // The simulator charges .com 10.99 / 11.49 / 10.49 (register / renew / transfer): +20 %, rounded up.
    expect(prices.map((p) => [p.tld, p.action, p.priceMinor])).toEqual([
      ['com', 'register', '1319'],
      ['com', 'renew', '1379'],
      ['com', 'transfer', '1259'],
      ['net', 'register', '1559'],
      ['net', 'renew', '1619'],
      ['net', 'transfer', '1499'],
    ]);

    // 3. A reseller, created through the admin API.
    const made = await send('/api/admin/v1/resellers', {
      token: admin,
      key: 'create-1',
      body: {
        name: 'Journey Hosting',
        email: 'billing@journey.test',
        currency: 'USD',
        ip_allowlist: ['127.0.0.1'],
      },
    });
    expect(made.status, made.text).toBe(201);
    const resellerId = (made.body['data'] as { reseller: { id: number } }).reseller.id;
    const { api_key: firstKey, token } = made.body['data'] as { api_key: string; token: string };

    // 4. A bank transfer credited by hand, once however often the request is sent.
    const credit = () =>
      send(`/api/admin/v1/resellers/${resellerId}/wallet/adjustments`, {
        token: admin,
        key: 'bank-transfer-2026-12-01',
        body: { direction: 'credit', amount: '100.00', reason: 'bank transfer ref BT-1201' },
      });
    expect((await credit()).status).toBe(201);
    expect((await credit()).status).toBe(201);
    const entries = (await db('ledgerEntries').where({ resellerId })) as Array<{
      kind: string;
      amountMinor: string;
    }>;
    expect(entries.map((e) => [e.kind, e.amountMinor])).toEqual([['adjustment', '10000']]);
    const overdraw = await send(`/api/admin/v1/resellers/${resellerId}/wallet/adjustments`, {
      token: admin,
      key: 'too-much',
      body: { direction: 'debit', amount: '100.01', reason: 'would go below zero' },
    });
    expect(overdraw.status).toBe(422);
    expect(overdraw.body['code']).toBe('insufficient_balance');

    // 5. The reseller helps itself: a second token, its whitelist, a new API key.
    const second = await send('/api/reseller/v1/account/tokens', {
      token,
      body: { name: 'billing system', abilities: ['orders.read', 'billing.read'] },
    });
    expect(second.status, second.text).toBe(201);
    const secondToken = (second.body['data'] as { secret: string }).secret;
    expect((await send('/api/reseller/v1/orders', { token: secondToken })).status).toBe(200);
    expect(
      (await send('/api/reseller/v1/orders/register', { token: secondToken, key: 'x', body: {} })).status,
    ).toBe(403);

    expect((await send('/api/v1/domains', { apiKey: firstKey, from: '127.0.0.2' })).status).toBe(403);
    const listed = await send('/api/v1/account/ip-whitelist', {
      method: 'PUT',
      token,
      body: { ips: ['127.0.0.1', '127.0.0.2/32', '::1'] },
    });
    expect(listed.status, listed.text).toBe(200);
    expect((await send('/api/v1/domains', { apiKey: firstKey, from: '127.0.0.2' })).status).toBe(200);
    const badList = await send('/api/v1/account/ip-whitelist', {
      method: 'PUT',
      token,
      body: { ips: ['300.1.1.1'] },
    });
    expect(badList.status).toBe(422);
    expect(badList.body['errors']).toEqual({ ips: ['"300.1.1.1" is not an IP address or CIDR range.'] });

    const regenerated = await send('/api/reseller/v1/account/api-key/regenerate', { token, body: {} });
    expect(regenerated.status, regenerated.text).toBe(201);
    const apiKey = (regenerated.body['data'] as { secret: string }).secret;
    expect(apiKey).toMatch(/^dak_/);
    expect((await send('/api/v1/domains', { apiKey: firstKey })).status).toBe(401);
    expect((await send('/api/v1/domains', { apiKey })).status).toBe(200);

    // ... and registers a domain with the new key: the registrar holds it, the wallet paid 13.19.
    const domain = uniqueName('journey');
    const order = await send('/api/v1/domains/register', {
      apiKey,
      body: { domain_name: domain, registrant: SEED_CONTACT },
    });
    expect(order.status, order.text).toBe(201);
    expect(await h.registrar.info(domain)).not.toBeNull();

    // Its statement: opening 0, the credit, the registration, closing 86.81.
    const statement = await send('/api/reseller/v1/wallet/transactions', { token });
    expect(statement.status).toBe(200);
    const s = (statement.body['data'] as { statement: Record<string, unknown> }).statement as {
      opening_balance: { amount: string };
      closing_balance: { amount: string };
      transactions: Array<{ kind: string; amount: { amount: string }; balance_after: { amount: string } }>;
      holds: unknown[];
    };
    expect(s.opening_balance.amount).toBe('0.00');
    expect(s.transactions.map((t) => [t.kind, t.amount.amount, t.balance_after.amount])).toEqual([
      ['adjustment', '100.00', '100.00'],
      ['hold', '-13.19', '86.81'],
    ]);
    expect(s.closing_balance.amount).toBe('86.81');
    expect(s.holds).toEqual([]);
    const csv = await fetch(`${h.api.url}/api/reseller/v1/wallet/transactions?format=csv`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain(',hold,');

    // Its API logs: the registration is there, and no secret is.
    await h.api.flushLogs();
    const logs = await send('/api/reseller/v1/account/api-logs?route=/api/v1/domains/register', { token });
    expect(logs.status).toBe(200);
    const rows = (logs.body['data'] as { logs: Array<{ id: string; status: number; method: string }> }).logs;
    expect(rows.map((r) => [r.method, r.status])).toEqual([['POST', 201]]);
    const detail = await send(`/api/reseller/v1/account/api-logs/${rows[0]!.id}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain(apiKey);
    const allLogs = (await db('apiLogs').select(db.raw('row_to_json(api_logs)::text as row'))) as Array<{
      row: string;
    }>;
    for (const secret of [admin, token, apiKey, firstKey, secondToken])
      expect(allLogs.filter((l) => l.row.includes(secret.slice(-40)))).toEqual([]);

    // 6. A local billing failure after the registrar succeeded lands in the review queue...
    const failing = uniqueName('journey-review');
    const res = await withRefusedCapture(db, failing, () =>
      send('/api/v1/domains/register', { apiKey, body: { domain_name: failing, registrant: SEED_CONTACT } }),
    );
    expect(res.status, res.text).toBe(202);
    const orderId = (res.body['data'] as { order: { id: string } }).order.id;
    const queue = await send('/api/admin/v1/review', { token: admin });
    const waiting = (queue.body['data'] as { orders: Array<{ id: string; workflow_url: string }> }).orders;
    expect(waiting.map((o) => o.id)).toEqual([orderId]);
    expect(waiting[0]!.workflow_url).toMatch(new RegExp(`/namespaces/${poolNamespace()}/workflows/order%3A`));
    const ledgerDoctor = await runCli(['doctor', '--ledger'], env);
    expect(ledgerDoctor.stdout).toMatch(/^warn\s+review queue\s+1 item/m);
    expect(ledgerDoctor.stdout).toContain(orderId);

    // ... and is resolved by capture: funds posted once, the domain recorded, the order completed.
    const capture = () =>
      send(`/api/admin/v1/review/orders/${orderId}/capture`, {
        token: admin,
        body: { reason: 'ledger fixed; registrar holds the domain' },
      });
    const captured = await capture();
    expect(captured.status, captured.text).toBe(200);
    expect(captured.body['data']).toMatchObject({
      order: { id: orderId, status: 'completed' },
      domain: { domain_name: failing },
    });
    expect((await capture()).status).toBe(200);
    const holds = (await db('ledgerEntries as l')
      .join('orders as o', 'o.id', 'l.orderId')
      .where('o.publicId', orderId)
      .select('l.kind', 'l.status')) as Array<{ kind: string; status: string }>;
    expect(holds).toEqual([{ kind: 'hold', status: 'posted' }]);
    await eventually(async () =>
      (await db('events').where({ resellerId, type: 'domain.order.completed' })).length === 2 ? true : null,
    );
    const resolved = (await db('auditEvents').where({
      type: 'review_resolved',
      subjectId: orderId,
    })) as Array<{
      actor: string;
    }>;
    expect(resolved.map((a) => a.actor)).toEqual([
      `admin:${((await db('admins').first('id')) as { id: number }).id}`,
    ]);
    expect(await checkLedger(db)).toEqual([]);
    // Past the registrar's lag window (3 s in the harness, read again until twice that), the
    // domains registered without nameservers agree with the registrar's defaults: no drift.
    await eventually(async () =>
      (await db('domains').whereNotNull('registrarPendingSince')).length === 0 ? true : null,
    );
    expect(await db('domains').where({ name: domain }).first('nameservers')).toEqual({
      nameservers: (await h.registrar.info(domain))!.nameservers,
    });
    const clean = await runCli(['doctor', '--ledger'], env);
    expect(clean.stdout).toMatch(/^ok\s+ledger\s+all invariants hold/m);
    expect(clean.stdout).toMatch(/^ok\s+review queue\s+nothing waits/m);

    // Every change left an audit event naming who made it.
    const actors = (await db('auditEvents').select('type', 'actor')) as Array<{
      type: string;
      actor: string | null;
    }>;
    const who = (type: string) => [
      ...new Set(actors.filter((x) => x.type === type).map((x) => x.actor?.split(':')[0])),
    ];
    for (const type of ['admin_created', 'admin_token_issued', 'catalog_prices_set'])
      expect(who(type), type).toEqual(['cli']);
    for (const type of ['reseller_created', 'wallet_adjusted', 'review_resolved'])
      expect(who(type), type).toEqual(['admin']);
    for (const type of ['credential_issued', 'api_whitelist_changed', 'api_key_regenerated'])
      expect(who(type), type).toEqual(['reseller']);
    for (const type of ['reconciliation', 'billing_failed']) expect(who(type), type).toEqual(['system']);
    // A dozen CLI processes, each loading the app: beyond the default minute when files run side by side.
  }, 180_000);
});
