import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  createAutoRenewalActivities,
  createReminderActivities,
  EXPIRY_SCAN_PAGE,
} from '../../activities/reminders';
import { ensureExpirySchedule } from '../../src/services/maintenance';
import { verifySeedSignature } from '../../src/webhooks/signing';
import { checkWebhookTarget, isPrivateAddress } from '../../src/webhooks/targets';
import type { expiryRemindersWorkflow } from '../../workflows';
import { DEFAULT_TASK_QUEUES, EXPIRY_SCHEDULE_ID, expiryScanWindows } from '../../workflows/contracts';
import { call, makeReseller, testConfig } from '../helpers';
import { receiver } from '../receiver';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

const h = useOrderHarness();

const bearer = (token: string, body?: unknown, method = 'POST') => ({
  method,
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function register(apiKey: string, domain: string) {
  return call(`${h.api.url}/api/v1/domains/register`, {
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
  });
}

describe('webhook endpoints API', () => {
  it('creates (secret shown once), lists, updates, rotates and deletes endpoints, with validation', async () => {
    const r = await makeReseller(h.db);
    const created = await call(
      `${h.api.url}/api/reseller/v1/webhooks`,
      bearer(r.token, { url: 'https://hooks.example.com/x', events: ['domain.order.completed'] }),
    );
    expect(created.status).toBe(201);
    const data = created.body['data'] as {
      webhook: { id: string; events: string[]; enabled: boolean };
      secret: string;
    };
    expect(data.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    expect(data.webhook).toMatchObject({ events: ['domain.order.completed'], enabled: true });
    const list = await call(`${h.api.url}/api/v1/webhooks`, { headers: { 'X-API-KEY': r.apiKey } });
    expect(JSON.stringify(list.body)).not.toContain(data.secret);
    expect((list.body['data'] as { webhooks: unknown[] }).webhooks).toHaveLength(1);
    const stored = JSON.stringify(await h.db('webhook_endpoints').where({ resellerId: r.id }));
    expect(stored).not.toContain(data.secret.slice(6));

    const off = await call(
      `${h.api.url}/api/reseller/v1/webhooks/${data.webhook.id}`,
      bearer(r.token, { enabled: false }, 'PATCH'),
    );
    expect(off.body['data']).toMatchObject({ webhook: { enabled: false } });
    const rotated = await call(
      `${h.api.url}/api/reseller/v1/webhooks/${data.webhook.id}/rotate-secret`,
      bearer(r.token),
    );
    expect((rotated.body['data'] as { secret: string }).secret).not.toBe(data.secret);

    const bad = await call(
      `${h.api.url}/api/reseller/v1/webhooks`,
      bearer(r.token, { url: 'ftp://x', events: ['nope'] }),
    );
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body['errors'] as object).sort()).toEqual(['events.0']);
    const badUrl = await call(`${h.api.url}/api/reseller/v1/webhooks`, bearer(r.token, { url: 'ftp://x' }));
    expect(badUrl.body['errors']).toEqual({ url: ['The url must be http(s).'] });
    // Stored as typed, a URL with spaces, markup or credentials would be shown and called as such.
    for (const url of [
      'http://127.0.0.1:9/hooks here',
      'http://127.0.0.1:9/<b>x</b>',
      'http://127.0.0.1:9/"x"',
      'http://user:pass@127.0.0.1:9/x',
      '/relative/path',
    ]) {
      const refused = await call(`${h.api.url}/api/reseller/v1/webhooks`, bearer(r.token, { url }));
      expect(refused.status, url).toBe(422);
      expect(Object.keys(refused.body['errors'] as object), url).toEqual(['url']);
    }
    expect(await h.db('webhook_endpoints').where({ resellerId: r.id })).toHaveLength(1);

    expect(
      (
        await call(
          `${h.api.url}/api/reseller/v1/webhooks/${data.webhook.id}`,
          bearer(r.token, undefined, 'DELETE'),
        )
      ).status,
    ).toBe(200);
    const other = await makeReseller(h.db);
    expect(
      (
        await call(
          `${h.api.url}/api/reseller/v1/webhooks/${data.webhook.id}`,
          bearer(other.token, { enabled: true }, 'PATCH'),
        )
      ).status,
    ).toBe(404);
  });

  it('refuses private and loopback targets in production mode (SSRF)', async () => {
    for (const url of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'http://example.com/x',
    ]) {
      await expect(checkWebhookTarget(url, false), url).rejects.toThrow();
    }
    await expect(checkWebhookTarget('http://127.0.0.1:9/x', true)).resolves.toBeUndefined();
    expect(isPrivateAddress('::ffff:192.168.1.1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
  });
});

describe('delivery', () => {
  it(
    'signs every delivery so both an independent HMAC and the standardwebhooks library verify it',
    { timeout: 90_000 },
    async () => {
      const rx = await receiver(() => 200);
      try {
        const r = await makeReseller(h.db);
        await topUp(h.db, r.id, 5_000n);
        const created = await call(`${h.api.url}/api/reseller/v1/webhooks`, bearer(r.token, { url: rx.url }));
        const secret = (created.body['data'] as { secret: string }).secret;
        expect((await register(r.apiKey, uniqueName('hooked'))).status).toBe(201);
        await eventually(() => rx.got.length >= 2, 60_000);
        const types = rx.got.map((g) => (JSON.parse(g.body) as { type: string }).type).sort();
        expect(types).toEqual(['domain.order.completed', 'domain.order.processing']);
        const ids = new Set(rx.got.map((g) => g.headers['x-webhook-id']));
        expect(ids.size).toBe(2);
        for (const g of rx.got) {
          const ts = String(g.headers['x-webhook-timestamp']);
          const independent = `sha256=${createHmac('sha256', secret).update(`${ts}.${g.body}`).digest('hex')}`;
          expect(g.headers['x-webhook-signature']).toBe(independent);
          expect(
            verifySeedSignature(
              secret,
              { timestamp: ts, signature: String(g.headers['x-webhook-signature']) },
              g.body,
            ),
          ).toBe(true);
          expect(
            verifySeedSignature(
              secret,
              { timestamp: ts, signature: String(g.headers['x-webhook-signature']) },
              `${g.body} `,
            ),
          ).toBe(false);
          const verified = new Webhook(secret).verify(g.body, {
            'webhook-id': String(g.headers['webhook-id']),
            'webhook-timestamp': String(g.headers['webhook-timestamp']),
            'webhook-signature': String(g.headers['webhook-signature']),
          });
          expect(verified).toMatchObject({ id: g.headers['x-webhook-id'] });
        }
      } finally {
        await rx.close();
      }
    },
  );

  it('keeps retrying while the receiver is down and delivers each event exactly once when it is back', async () => {
    let down = true;
    const rx = await receiver(() => (down ? 503 : 200));
    try {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 5_000n);
      await call(`${h.api.url}/api/reseller/v1/webhooks`, bearer(r.token, { url: rx.url }));
      await register(r.apiKey, uniqueName('down'));
      await eventually(() => rx.got.filter((g) => g.status === 503).length >= 4, 30_000);
      down = false;
      await eventually(() => rx.got.filter((g) => g.status === 200).length >= 2, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const okByEvent = new Map<string, number>();
      for (const g of rx.got.filter((x) => x.status === 200)) {
        const id = String(g.headers['x-webhook-id']);
        okByEvent.set(id, (okByEvent.get(id) ?? 0) + 1);
      }
      expect([...okByEvent.values()]).toEqual([1, 1]);
      const jobs = (await h
        .db('webhook_jobs as j')
        .join('webhook_endpoints as w', 'w.id', 'j.endpointId')
        .where('w.resellerId', r.id)
        .select('j.status', 'j.attempts')) as Array<{
        status: string;
        attempts: number;
      }>;
      expect(jobs.map((j) => j.status)).toEqual(['delivered', 'delivered']);
      expect(jobs.reduce((n, j) => n + j.attempts, 0)).toBe(rx.got.length);
    } finally {
      await rx.close();
    }
  });

  it('disables an endpoint that answers 410 Gone and stops delivering to it', async () => {
    const rx = await receiver(() => 410);
    try {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 5_000n);
      const created = await call(`${h.api.url}/api/reseller/v1/webhooks`, bearer(r.token, { url: rx.url }));
      const id = (created.body['data'] as { webhook: { id: string } }).webhook.id;
      await register(r.apiKey, uniqueName('gone'));
      await eventually(
        async () =>
          !(
            (await h.db('webhook_endpoints').where({ publicId: id }).first('enabled')) as { enabled: boolean }
          ).enabled,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(rx.got.length).toBeLessThanOrEqual(2);
      const list = await call(`${h.api.url}/api/reseller/v1/webhooks`, {
        headers: { Authorization: `Bearer ${r.token}` },
      });
      expect((list.body['data'] as { webhooks: unknown[] }).webhooks[0]).toMatchObject({
        enabled: false,
        disabled_reason: 'The receiver answered 410 Gone.',
      });
    } finally {
      await rx.close();
    }
  });
});

describe('expiry reminders', () => {
  it('emits one domain.expiring per threshold and auto-renews from the wallet, deduplicated across runs', async () => {
    const r = await makeReseller(h.db);
    const poor = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const day = 24 * 3600_000;
    const at = (days: number) => new Date(Date.now() + days * day);
    const names = {
      soon: uniqueName('soon'),
      month: uniqueName('month'),
      far: uniqueName('far'),
      auto: uniqueName('auto'),
      broke: uniqueName('broke'),
    };
    await h.db('domains').insert([
      { resellerId: r.id, name: names.soon, expiresAt: at(5) },
      { resellerId: r.id, name: names.month, expiresAt: at(20) },
      { resellerId: r.id, name: names.far, expiresAt: at(60) },
      { resellerId: r.id, name: names.auto, expiresAt: at(3), autoRenew: true },
      { resellerId: poor.id, name: names.broke, expiresAt: at(2), autoRenew: true },
    ]);
    h.sim.seedDomain(names.auto, at(3));
    h.sim.seedDomain(names.broke, at(2));
    const run = () =>
      h.temporal.workflow.execute<typeof expiryRemindersWorkflow>('expiryRemindersWorkflow', {
        taskQueue: DEFAULT_TASK_QUEUES.default,
        workflowId: `reminders-test-${Date.now()}-${Math.random()}`,
        args: [
          {
            thresholdsDays: [30, 14, 7, 1],
            autoRenewDays: 7,
            orderTaskQueue: DEFAULT_TASK_QUEUES.provisioning,
          },
        ],
      });
    await run();
    await run();
    const expiring = (await h
      .db('events')
      .whereIn('resellerId', [r.id, poor.id])
      .where({ type: 'domain.expiring' })) as Array<{
      payload: { domain_id: number; domain_name: string; threshold_days: number };
    }>;
    const ids = (await h.db('domains').whereIn('name', Object.values(names)).select('id', 'name')) as Array<{
      id: number;
      name: string;
    }>;
    for (const e of expiring) {
      expect(e.payload.domain_id).toBe(ids.find((d) => d.name === e.payload.domain_name)?.id);
    }
    const byDomain = Object.fromEntries(
      expiring.map((e) => [e.payload.domain_name, e.payload.threshold_days]),
    );
    expect(expiring).toHaveLength(4);
    expect(byDomain).toEqual({ [names.soon]: 7, [names.month]: 30, [names.auto]: 7, [names.broke]: 7 });

    await eventually(
      async () =>
        (await h.db('orders').where({ domainName: names.auto, status: 'completed' }).first()) as unknown,
    );
    await eventually(
      async () =>
        (await h.db('orders').where({ domainName: names.broke, status: 'failed' }).first()) as unknown,
    );
    expect(h.sim.count('renew', names.auto)).toBe(1);
    expect(h.sim.count('renew', names.broke)).toBe(0);
    expect((await balanceOf(h.db, r.id)).posted).toBe(10_000n - 1_299n);
    const failed = (await h
      .db('events')
      .where({ resellerId: poor.id, type: 'domain.order.failed' })
      .first()) as { payload: { failure_code: string; status: string; domain_name: string } };
    expect(failed.payload).toMatchObject({
      failure_code: 'insufficient_balance',
      status: 'failed',
      domain_name: names.broke,
    });
    expect(
      await h.db('orders').where({ domainName: names.auto }).count<{ count: string }[]>('* as count'),
    ).toEqual([{ count: '1' }]);
  });

  it('prepares no second renewal for a domain renewed between the scan and the renewal', async () => {
    const r = await makeReseller(h.db);
    const name = uniqueName('raced');
    const [row] = (await h
      .db('domains')
      .insert({ resellerId: r.id, name, expiresAt: new Date(Date.now() + 3 * 86_400_000), autoRenew: true })
      .returning('id')) as Array<{ id: number }>;
    const reminders = {
      ...createReminderActivities({ db: h.db }),
      ...createAutoRenewalActivities({ db: h.db, registrar: h.registrar, pricing: testConfig() }),
    };
    const scanned = await reminders.scanExpiringPage([30, 14, 7, 1], 7, null);
    expect(scanned.autoRenew).toContain(row!.id);
    const due = await reminders.prepareAutoRenewal(row!.id, 7);
    expect(due?.input).toMatchObject({ action: 'renew', domain: name });
    // The first renewal completes before a second scan's prepare reads the domain: its expiry is
    // a year later now, so that prepare must not build an order (with a new key) for it.
    await h
      .db('domains')
      .where({ id: row!.id })
      .update({ expiresAt: h.db.raw("expires_at + interval '1 year'") });
    expect(await reminders.prepareAutoRenewal(row!.id, 7)).toBeNull();
  });

  it('pages past more than a page of domains expiring at the same microsecond, each reminded once', async () => {
    const r = await makeReseller(h.db);
    const prefix = uniqueName('tie').replace(/\.com$/, '');
    // More than a page of domains at one instant with microseconds (as `now()` writes them): a
    // cursor cut to milliseconds would sort before them all and read the same page forever.
    const count = EXPIRY_SCAN_PAGE + 200;
    await h.db.raw(
      `INSERT INTO domains (reseller_id, name, expires_at)
       SELECT ?, ? || '-' || g || '.com', date_trunc('second', now()) + interval '10 days 0.123456 seconds'
       FROM generate_series(1, ?::int) g`,
      [r.id, prefix, count],
    );
    const scan = createReminderActivities({ db: h.db });
    let cursor: { expiresAt: string; id: number } | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof scan.scanExpiringPage>> = await scan.scanExpiringPage(
        [30, 14, 7, 1],
        7,
        cursor,
      );
      cursor = page.next;
      pages += 1;
    } while (cursor && pages < 1_000);
    expect(cursor).toBeNull();
    const rows = (await h
      .db('events')
      .where({ resellerId: r.id, type: 'domain.expiring' })
      .select(h.db.raw("payload->>'domain_name' AS name"))) as Array<{ name: string }>;
    expect(pages).toBeGreaterThan(1);
    expect(rows).toHaveLength(count);
    expect(new Set(rows.map((x) => x.name)).size).toBe(count);
  });

  it('scans windows side by side against one clock: each domain once, those on an edge included', async () => {
    const r = await makeReseller(h.db);
    const asOf = new Date(Math.floor(Date.now() / 1000) * 1000);
    const day = 86_400_000;
    // Offsets in days from the scan's clock, with the tightest threshold each must get (or none).
    const cases: Array<[number, number | null]> = [
      [-1, null],
      [0, null],
      [0.5, 1],
      [1, 1],
      [1.01, 7],
      [7, 7],
      [10, 14],
      [14, 14],
      [15, 30],
      [20, 30],
      [29.99, 30],
      [30, 30],
      [30.001, null],
      [45, null],
    ];
    const prefix = uniqueName('win').replace(/\.com$/, '');
    await h.db('domains').insert(
      cases.map(([days], i) => ({
        resellerId: r.id,
        name: `${prefix}-${i}.com`,
        expiresAt: new Date(asOf.getTime() + days * day),
      })),
    );
    const scan = createReminderActivities({ db: h.db });
    const input = { thresholdsDays: [30, 14, 7, 1], autoRenewDays: 7 };
    const scanAll = (slices: number) =>
      Promise.all(
        expiryScanWindows({ ...input, slices }, asOf).map(async (w) => {
          let cursor: { expiresAt: string; id: number } | null = null;
          do {
            const page: Awaited<ReturnType<typeof scan.scanExpiringPage>> = await scan.scanExpiringPage(
              input.thresholdsDays,
              input.autoRenewDays,
              cursor,
              w,
            );
            cursor = page.next;
          } while (cursor);
        }),
      );
    const reminded = async () =>
      (await h
        .db('events')
        .where({ resellerId: r.id, type: 'domain.expiring' })
        .select(
          h.db.raw("payload->>'domain_name' AS name"),
          h.db.raw("(payload->>'threshold_days')::int AS threshold"),
        )) as Array<{ name: string; threshold: number }>;
    // Two windows meet at 15 days, three at 10 and 20: a domain on an edge belongs to one of them.
    expect(expiryScanWindows({ ...input, slices: 2 }, asOf).map((w) => [w.fromDays, w.toDays])).toEqual([
      [0, 15],
      [15, 30],
    ]);
    await scanAll(2);
    const first = await reminded();
    const expected = cases.flatMap(([, t], i) =>
      t === null ? [] : [{ name: `${prefix}-${i}.com`, threshold: t }],
    );
    expect(first.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      expected.sort((a, b) => a.name.localeCompare(b.name)),
    );
    // Scanned again in other windows against the same clock: nothing is reminded twice.
    await scanAll(3);
    expect(await reminded()).toHaveLength(expected.length);
  });

  it('creates the daily schedule idempotently and can trigger it now', async () => {
    const config = testConfig();
    expect(['created', 'updated']).toContain(await ensureExpirySchedule(h.temporal, config));
    expect(await ensureExpirySchedule(h.temporal, config)).toBe('updated');
    const handle = h.temporal.schedule.getHandle(EXPIRY_SCHEDULE_ID);
    const before = (await handle.describe()).info.numActionsTaken;
    await handle.trigger();
    await eventually(async () => (await handle.describe()).info.numActionsTaken > before);
    const described = await handle.describe();
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'expiryRemindersWorkflow',
      taskQueue: DEFAULT_TASK_QUEUES.default,
    });
    expect(described.spec.calendars?.length).toBe(1);
  });
});
