import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiCredential } from '../../src/db/models';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName, withRefusedCapture } from '../order-helpers';
import {
  type JsonResponse,
  makeAdmin,
  makeReseller,
  request,
  type RequestOptions,
  type TestReseller,
} from '../helpers';
import { runCli } from '../cli-helpers';
import { receiver } from '../receiver';

const h = useOrderHarness();

const send = (path: string, opts: RequestOptions = {}) => request(h.api.url, path, opts);

const data = <T>(res: JsonResponse) => res.body['data'] as T;

async function register(r: TestReseller, domain: string): Promise<JsonResponse> {
  return send('/api/v1/domains/register', {
    apiKey: r.apiKey,
    body: { domain_name: domain, registrant: SEED_CONTACT },
  });
}

describe('resellers and their credentials, as operators and resellers manage them', () => {
  it('suspends a reseller (401 account_inactive on the next request) and reactivates it', async () => {
    const admin = await makeAdmin(h.db);
    const r = await makeReseller(h.db);
    expect((await send('/api/v1/domains', { apiKey: r.apiKey })).status).toBe(200);
    const suspended = await send(`/api/admin/v1/resellers/${r.id}/suspend`, {
      token: admin.token,
      body: { reason: 'chargeback' },
    });
    expect(suspended.status).toBe(200);
    for (const res of [
      await send('/api/v1/domains', { apiKey: r.apiKey }),
      await send('/api/reseller/v1/status', { token: r.token }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body['code']).toBe('account_inactive');
    }
    expect(
      (await send(`/api/admin/v1/resellers/${r.id}/reactivate`, { token: admin.token, body: {} })).status,
    ).toBe(200);
    expect((await send('/api/v1/domains', { apiKey: r.apiKey })).status).toBe(200);
    const audit = (await h
      .db('auditEvents')
      .where({ resellerId: r.id })
      .whereIn('type', ['reseller_suspended', 'reseller_reactivated'])
      .orderBy('id')) as Array<{
      type: string;
      actor: string;
      data: Record<string, unknown>;
    }>;
    expect(audit.map((a) => [a.type, a.actor])).toEqual([
      ['reseller_suspended', `admin:${admin.id}`],
      ['reseller_reactivated', `admin:${admin.id}`],
    ]);
    expect(audit[0]!.data).toEqual({
      reason: 'chargeback',
      before: { status: 'active' },
      after: { status: 'suspended' },
    });
  });

  it('lists, searches and shows resellers with balance, held and available; 404 for an unknown one', async () => {
    const admin = await makeAdmin(h.db, ['admin.read']);
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 5_000n);
    const email = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
    const found = await send(`/api/admin/v1/resellers?q=${encodeURIComponent(email.email.slice(0, 20))}`, {
      token: admin.token,
    });
    expect(data<{ resellers: Array<{ id: number }> }>(found).resellers.map((x) => x.id)).toEqual([r.id]);
    const shown = await send(`/api/admin/v1/resellers/${r.id}`, { token: admin.token });
    expect(data<{ reseller: object }>(shown).reseller).toMatchObject({
      wallet: { balance: { amount: '50.00' }, held: { amount: '0.00' }, available: { amount: '50.00' } },
      domains: 0,
      open_orders: 0,
      live_credentials: 2,
    });
    const missing = await send('/api/admin/v1/resellers/99999999', { token: admin.token });
    expect([missing.status, missing.body['code']]).toEqual([404, 'reseller_not_found']);
    const bad = await send('/api/admin/v1/resellers', {
      token: (await makeAdmin(h.db)).token,
      body: { name: '', email: 'not-an-email', currency: 'XXX' },
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body['errors'] as object).sort()).toEqual(['currency', 'email', 'name']);
  });

  it('issues tokens that expire, regenerates a key with a grace period, and revokes at once', async () => {
    const r = await makeReseller(h.db);
    const soon = new Date(Date.now() + 1500).toISOString();
    const issued = await send('/api/reseller/v1/account/tokens', {
      token: r.token,
      body: { name: 'short-lived', abilities: ['domains.read'], expires_at: soon },
    });
    expect(issued.status).toBe(201);
    const short = data<{ secret: string; credential: { abilities: string[] } }>(issued);
    expect(short.credential.abilities).toEqual(['domains.read']);
    expect((await send('/api/reseller/v1/domains', { token: short.secret })).status).toBe(200);
    expect((await send('/api/reseller/v1/orders', { token: short.secret })).status).toBe(403);
    await new Promise((res) => setTimeout(res, 1600));
    const expired = await send('/api/reseller/v1/domains', { token: short.secret });
    expect([expired.status, expired.body['code']]).toEqual([401, 'credential_expired']);

    const bad = await send('/api/reseller/v1/account/tokens', {
      token: r.token,
      body: { name: 'x', abilities: ['admin.money'], expires_at: '2020-01-01' },
    });
    expect(bad.status).toBe(422);

    const regenerated = await send('/api/reseller/v1/account/api-key/regenerate', {
      token: r.token,
      body: { grace_seconds: 2 },
    });
    expect(regenerated.status).toBe(201);
    const fresh = data<{ secret: string; replaced: { id: string } }>(regenerated);
    // Both work during the grace period; then only the new one.
    expect((await send('/api/v1/domains', { apiKey: r.apiKey })).status).toBe(200);
    expect((await send('/api/v1/domains', { apiKey: fresh.secret })).status).toBe(200);
    await new Promise((res) => setTimeout(res, 2100));
    expect((await send('/api/v1/domains', { apiKey: r.apiKey })).status).toBe(401);
    expect((await send('/api/v1/domains', { apiKey: fresh.secret })).status).toBe(200);
    const tooLong = await send('/api/reseller/v1/account/api-key/regenerate', {
      token: r.token,
      body: { grace_seconds: 86_401 },
    });
    expect(tooLong.status).toBe(422);

    const listed = data<{ credentials: Array<{ id: string; kind: string; status: string }> }>(
      await send('/api/reseller/v1/account/credentials', { token: r.token }),
    ).credentials;
    expect(listed.find((c) => c.id === fresh.replaced.id)?.status).toBe('revoked');
    expect(JSON.stringify(listed)).not.toMatch(/secret|hash/i);
    const keyPrefix = fresh.secret.split('_').slice(0, 2).join('_');
    expect(
      (await send(`/api/v1/account/credentials/${keyPrefix}`, { method: 'DELETE', token: r.token })).status,
    ).toBe(200);
    expect((await send('/api/v1/domains', { apiKey: fresh.secret })).status).toBe(401);
    const other = await makeReseller(h.db);
    const notYours = await send(`/api/v1/account/credentials/${keyPrefix}`, {
      method: 'DELETE',
      token: other.token,
    });
    expect(notYours.status).toBe(404);
  });

  it('stores only hashes of what it issues', async () => {
    const r = await makeReseller(h.db);
    const issued = data<{ secret: string }>(
      await send('/api/reseller/v1/account/tokens', { token: r.token, body: { name: 'hash check' } }),
    );
    const rows = await ApiCredential.query(h.db).where({ resellerId: r.id });
    expect(JSON.stringify(rows)).not.toContain(issued.secret.slice(-40));
  });
});

describe('catalog, tiers and wallet adjustments', () => {
  it('previews and imports a CSV (line-numbered errors), exports it back, and deletes a price', async () => {
    const admin = await makeAdmin(h.db);
    const tld = `t${Date.now().toString(36)}`;
    const csv = `tld,action,currency,price\n${tld},register,USD,9.99\n${tld},renew,USD,10.49\n`;
    const preview = await send('/api/admin/v1/catalog/import', {
      token: admin.token,
      body: { csv, dry_run: true },
    });
    expect(data<{ summary: object }>(preview).summary).toEqual({ added: 2, changed: 0, unchanged: 0 });
    expect(await h.db('catalogPrices').where({ tld })).toEqual([]);
    expect((await send('/api/admin/v1/catalog/import', { token: admin.token, body: { csv } })).status).toBe(
      200,
    );
    const again = await send('/api/admin/v1/catalog/import', {
      token: admin.token,
      body: { csv: csv.replace('9.99', '11.00'), dry_run: true },
    });
    expect(
      data<{ summary: object; changes: Array<{ change: string; before: unknown }> }>(again),
    ).toMatchObject({
      summary: { added: 0, changed: 1, unchanged: 1 },
    });
    const broken = await send('/api/admin/v1/catalog/import', {
      token: admin.token,
      body: { csv: `tld,action,currency,price\n${tld},sell,USD,1\n-bad-,register,USD,1.999\n` },
    });
    expect(broken.status).toBe(422);
    expect(Object.keys(broken.body['errors'] as object)).toEqual(['line 2', 'line 3']);
    const exported = await fetch(`${h.api.url}/api/admin/v1/catalog/export?currency=USD`, {
      headers: { Authorization: `Bearer ${admin.token}` },
    });
    expect(await exported.text()).toContain(`${tld},register,USD,9.99,true,1,10`);
    expect(
      (await send(`/api/admin/v1/catalog/prices/${tld}/renew/USD`, { method: 'DELETE', token: admin.token }))
        .status,
    ).toBe(200);
    expect(
      (await send(`/api/admin/v1/catalog/prices/${tld}/renew/USD`, { method: 'DELETE', token: admin.token }))
        .status,
    ).toBe(404);
  });

  it('moves every reseller on a tier with it, and quotes follow', async () => {
    const admin = await makeAdmin(h.db);
    const tier = `gold-${Date.now().toString(36)}`;
    expect(
      (
        await send(`/api/admin/v1/markup-tiers/${tier}`, {
          method: 'PUT',
          token: admin.token,
          body: { markup: '10%' },
        })
      ).status,
    ).toBe(200);
    const r = await makeReseller(h.db);
    expect(
      (
        await send(`/api/admin/v1/resellers/${r.id}`, {
          method: 'PATCH',
          token: admin.token,
          body: { markup_tier: tier },
        })
      ).status,
    ).toBe(200);
    const price = async () =>
      data<{ results: Array<{ prices: { register: { amount: string } } }> }>(
        await send('/api/reseller/v1/domains/search', {
          token: r.token,
          body: { domains: [uniqueName('tier')] },
        }),
      ).results[0]!.prices.register.amount;
    expect(await price()).toBe('14.29'); // 12.99 + 10 %, rounded up
    await send(`/api/admin/v1/markup-tiers/${tier}`, {
      method: 'PUT',
      token: admin.token,
      body: { markup: '20%' },
    });
    expect(await price()).toBe('15.59');
  });

  it('adjusts a wallet once per Idempotency-Key and never below zero', async () => {
    const admin = await makeAdmin(h.db, ['admin.money']);
    const r = await makeReseller(h.db);
    const adjust = (key: string | undefined, body: object) =>
      send(`/api/admin/v1/resellers/${r.id}/wallet/adjustments`, {
        token: admin.token,
        ...(key ? { key } : {}),
        body,
      });
    expect((await adjust(undefined, { direction: 'credit', amount: '5', reason: 'no key' })).status).toBe(
      400,
    );
    const credits = await Promise.all(
      Array.from({ length: 5 }, () =>
        adjust('bank-1', { direction: 'credit', amount: '20.00', reason: 'bank transfer' }),
      ),
    );
    expect(credits.filter((c) => c.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 2_000n });
    const debits = await Promise.all(
      ['d1', 'd2', 'd3'].map((key) => adjust(key, { direction: 'debit', amount: '8.00', reason: 'fee' })),
    );
    expect(debits.map((d) => d.status).sort()).toEqual([201, 201, 422]);
    expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 400n, available: 400n });
    const reused = await adjust('d1', { direction: 'debit', amount: '1.00', reason: 'fee' });
    expect([reused.status, reused.body['code']]).toEqual([422, 'idempotency_key_reused']);
  });

  it('gives a statement for a period with opening and closing balances and holds apart', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    // A JS Date has milliseconds and Postgres microseconds: the top-up's posted_at can fall inside
    // the very millisecond `new Date()` truncates to, after it. Pause on both sides of the mark.
    await new Promise((res) => setTimeout(res, 20));
    const mid = new Date();
    await new Promise((res) => setTimeout(res, 20));
    expect((await register(r, uniqueName('statement'))).status).toBe(201);
    const period = await send(`/api/reseller/v1/wallet/transactions?from=${mid.toISOString()}`, {
      token: r.token,
    });
    const s = data<{ statement: Record<string, { amount: string } | unknown[]> }>(period).statement as {
      opening_balance: { amount: string };
      closing_balance: { amount: string };
      transactions: Array<{ kind: string }>;
    };
    expect(s.opening_balance.amount).toBe('100.00');
    expect(s.transactions.map((t) => t.kind)).toEqual(['hold']);
    expect(s.closing_balance.amount).toBe('87.01');
    const bad = await send('/api/reseller/v1/wallet/transactions?from=tomorrow', { token: r.token });
    expect(bad.status).toBe(422);
  });
});

describe('the review queue', () => {
  it('voids a billing failure: the hold is released, the order fails with the reason, once', async () => {
    const admin = await makeAdmin(h.db);
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('void');
    const res = await withRefusedCapture(h.db, domain, () => register(r, domain));
    expect(res.status).toBe(202);
    const orderId = data<{ order: { id: string } }>(res).order.id;
    expect(await balanceOf(h.db, r.id)).toMatchObject({ held: -1_299n });
    const noReason = await send(`/api/admin/v1/review/orders/${orderId}/void`, {
      token: admin.token,
      body: { reason: '' },
    });
    expect(noReason.status).toBe(422);
    const voided = await send(`/api/admin/v1/review/orders/${orderId}/void`, {
      token: admin.token,
      body: { reason: 'goodwill: we keep the domain' },
    });
    expect(voided.status, voided.text).toBe(200);
    expect(data<{ order: object }>(voided).order).toMatchObject({
      status: 'failed',
      failure: { code: 'billing_voided' },
    });
    expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 10_000n, held: 0n, available: 10_000n });
    const capture = await send(`/api/admin/v1/review/orders/${orderId}/capture`, {
      token: admin.token,
      body: { reason: 'changed my mind' },
    });
    expect([capture.status, capture.body['code']]).toEqual([409, 'already_resolved']);
    await eventually(
      async () =>
        (await h.db('events').where({ resellerId: r.id, type: 'domain.order.failed' })).length === 1,
    );
    const done = await send(`/api/reseller/v1/orders/${orderId}`, { token: r.token });
    expect(data<{ order: object }>(done).order).toMatchObject({ status: 'failed' });
    const notReviewable = await send(
      `/api/admin/v1/review/orders/${data<{ order: { id: string } }>(await register(r, uniqueName('fine'))).order.id}/capture`,
      {
        token: admin.token,
        body: { reason: 'nothing to review' },
      },
    );
    expect([notReviewable.status, notReviewable.body['code']]).toEqual([422, 'not_in_review']);
  });

  it('refuses to capture when the registrar does not hold the domain', async () => {
    const admin = await makeAdmin(h.db);
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('gone');
    const res = await withRefusedCapture(h.db, domain, () => register(r, domain));
    const orderId = data<{ order: { id: string } }>(res).order.id;
    h.sim.domains.delete(domain);
    const capture = await send(`/api/admin/v1/review/orders/${orderId}/capture`, {
      token: admin.token,
      body: { reason: 'try' },
    });
    expect([capture.status, capture.body['code']]).toEqual([422, 'registrar_missing']);
    expect(await balanceOf(h.db, r.id)).toMatchObject({ held: -1_299n });
    // Leave nothing reserved for the file's ledger check: void it.
    const voided = await send(`/api/admin/v1/review/orders/${orderId}/void`, {
      token: admin.token,
      body: { reason: 'registrar lost it' },
    });
    expect(voided.status).toBe(200);
  });

  it('acknowledges reviewed events, once, with the actor', async () => {
    const admin = await makeAdmin(h.db);
    const r = await makeReseller(h.db);
    await h.db('auditEvents').insert({
      resellerId: r.id,
      type: 'payment_mismatch',
      subjectType: 'invoice',
      subjectId: 'inv_x',
      data: {},
    });
    const queue = await send(`/api/admin/v1/review?reseller=${r.id}`, { token: admin.token });
    const [event] = data<{ events: Array<{ id: string; type: string }> }>(queue).events;
    expect(event?.type).toBe('payment_mismatch');
    const ack = await send(`/api/admin/v1/review/events/${event!.id}/acknowledge`, {
      token: admin.token,
      body: { note: 'refunded by bank' },
    });
    expect(data<{ event: object }>(ack).event).toMatchObject({ acknowledged_by: `admin:${admin.id}` });
    const after = await send(`/api/admin/v1/review?reseller=${r.id}`, { token: admin.token });
    expect(data<{ events: unknown[] }>(after).events).toEqual([]);
    expect(
      (await send('/api/admin/v1/review/events/999999999/acknowledge', { token: admin.token, body: {} }))
        .status,
    ).toBe(404);
  });
});

describe('API logs, retention and webhook tools', () => {
  it('filters a reseller’s own logs and hides everyone else’s', async () => {
    const r = await makeReseller(h.db);
    const other = await makeReseller(h.db);
    await send('/api/v1/domains/nope.com', { apiKey: r.apiKey });
    await send('/api/v1/domains', { apiKey: r.apiKey });
    await send('/api/v1/domains', { apiKey: other.apiKey });
    await h.api.flushLogs();
    const failed = await send('/api/reseller/v1/account/api-logs?status=4xx', { token: r.token });
    const logs = data<{ logs: Array<{ id: string; status: number; path: string; reseller_id: number }> }>(
      failed,
    ).logs;
    expect(logs.map((l) => [l.status, l.path])).toEqual([[404, '/api/v1/domains/nope.com']]);
    const otherLog = (await h.db('apiLogs').where({ resellerId: other.id }).first('id')) as { id: string };
    expect((await send(`/api/reseller/v1/account/api-logs/${otherLog.id}`, { token: r.token })).status).toBe(
      404,
    );
    const admin = await makeAdmin(h.db, ['admin.read']);
    const all = await send(`/api/admin/v1/api-logs?reseller=${other.id}`, { token: admin.token });
    expect(
      data<{ logs: Array<{ reseller_id: number }> }>(all).logs.every((l) => l.reseller_id === other.id),
    ).toBe(true);
    expect((await send('/api/reseller/v1/account/api-logs?status=abc', { token: r.token })).status).toBe(422);
  });

  it('prunes old API log rows from the CLI', async () => {
    const old = (await h
      .db('apiLogs')
      .insert({
        requestId: 'old-one',
        method: 'GET',
        path: '/old',
        status: 200,
        durationMs: 1,
        createdAt: new Date(Date.now() - 100 * 86_400_000),
      })
      .returning('id')) as Array<{ id: string }>;
    const res = await runCli(['api-logs:prune', '--older-than', '90d']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/deleted [1-9]\d* rows older than 90 days/);
    expect(await h.db('apiLogs').where({ id: old[0]!.id })).toEqual([]);
  });

  it(
    'sends a signed test event to one endpoint and resends a delivery on request',
    { timeout: 60_000 },
    async () => {
      const rx = await receiver(() => 200);
      try {
        const r = await makeReseller(h.db);
        const created = await send('/api/reseller/v1/webhooks', {
          token: r.token,
          body: { url: rx.url, events: ['invoice.paid'] },
        });
        const { webhook, secret } = data<{ webhook: { id: string }; secret: string }>(created);
        const tested = await send(`/api/reseller/v1/webhooks/${webhook.id}/test`, {
          token: r.token,
          body: {},
        });
        expect(tested.status, tested.text).toBe(200);
        expect(data<object>(tested)).toMatchObject({
          outcome: 'delivered',
          response: { status_code: 200, delivered: true },
        });
        expect(rx.got).toHaveLength(1);
        const got = rx.got[0]!;
        const ts = String(got.headers['x-webhook-timestamp']);
        expect(got.headers['x-webhook-signature']).toBe(
          `sha256=${createHmac('sha256', secret).update(`${ts}.${got.body}`).digest('hex')}`,
        );
        const body = JSON.parse(got.body) as { id: string; type: string; data: { endpoint_id: string } };
        expect(body).toMatchObject({ type: 'webhook.test', data: { endpoint_id: webhook.id } });

        const resent = await send(`/api/reseller/v1/webhooks/${webhook.id}/deliveries/${body.id}/resend`, {
          token: r.token,
          body: {},
        });
        expect(resent.status, resent.text).toBe(202);
        await eventually(() => rx.got.length >= 2);
        expect(rx.accepted().get(body.id)).toBe(2);
        const deliveries = data<{
          deliveries: Array<{ event_id: string; last_response: { status_code: number } }>;
        }>(await send(`/api/reseller/v1/webhooks/${webhook.id}/deliveries`, { token: r.token })).deliveries;
        expect(deliveries[0]).toMatchObject({ event_id: body.id, last_response: { status_code: 200 } });
        const unknown = await send(
          `/api/reseller/v1/webhooks/${webhook.id}/deliveries/00000000-0000-0000-0000-000000000000/resend`,
          {
            token: r.token,
            body: {},
          },
        );
        expect(unknown.status).toBe(404);
      } finally {
        await rx.close();
      }
    },
  );
});
