import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/utils/ports';
import { call, makeReseller, request, startTestApi, testDb, type TestApi } from '../helpers';
import { useOrderHarness } from '../harness';
import { completedOrders, eventually, SEED_CONTACT, uniqueName } from '../order-helpers';
import { receiver } from '../receiver';
import { placeInvoiceOrder, subscribedReseller } from '../scenarios';

/**
 * Redis lost mid-load (its own redis-server, never the machine's): two API instances count one
 * rate limit through it; while it is gone each counts in its own memory (docs/production.md) and
 * no request fails for it; once it is back they count together again.
 */
let db: Knex;
let port: number;
let server: ChildProcess | null = null;
const apis: TestApi[] = [];

async function startRedis(): Promise<void> {
  server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined); // a refused connect while it starts is the answer looked for
  for (let i = 0; ; i += 1) {
    if (
      await probe.connect().then(
        () => true,
        () => false,
      )
    )
      break;
    if (i > 100) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  probe.disconnect();
}

async function killRedis(): Promise<void> {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

beforeAll(async () => {
  db = testDb();
  port = await freePort();
  await startRedis();
  const env = {
    REDIS_URL: `redis://127.0.0.1:${port}`,
    REDIS_KEY_PREFIX: `fault-${randomUUID()}:`,
    RATE_LIMIT_POINTS: '6',
  };
  apis.push(await startTestApi(db, env), await startTestApi(db, env));
});

// Registered before the harness's hooks, so it runs after them.
afterAll(async () => {
  for (const api of apis) await api.close();
  await killRedis();
  await db.destroy();
});

// Orders, payments and webhooks through an API whose rate limits live in the same Redis (read
// when the harness starts, after Redis is up).
const h = useOrderHarness({
  apiEnv: {
    RATE_LIMIT_POINTS: '100000',
    get REDIS_URL(): string {
      return `redis://127.0.0.1:${port}`;
    },
  },
});

/** `n` requests from one new reseller, alternating between the two API instances: their statuses. */
async function load(n: number): Promise<number[]> {
  const r = await makeReseller(db);
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 1)
    statuses.push(
      (await call(`${apis[i % 2]!.url}/api/v1/domains`, { headers: { 'X-API-KEY': r.apiKey } })).status,
    );
  return statuses;
}

const count = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe('Redis lost under load', () => {
  it(
    'falls back to each process counting alone, fails no request, and shares again when Redis returns',
    { timeout: 120_000 },
    async () => {
      // Shared: six in all across both instances.
      expect(await load(10)).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);

      await killRedis();
      const lostAt = Date.now();
      // Gone: each instance counts in its own memory, six each; nothing answers 500 or 503.
      const during = await load(14);
      expect(during.filter((s) => s >= 500)).toEqual([]);
      expect(count(during)).toEqual({ 200: 12, 429: 2 });

      await startRedis();
      const back = Date.now();
      // Back: once the clients have reconnected, six in all again.
      let after: number[] = [];
      let tries = 0;
      for (;;) {
        tries += 1;
        after = await load(10);
        expect(after.filter((s) => s >= 500)).toEqual([]);
        if (after.join() === [200, 200, 200, 200, 200, 200, 429, 429, 429, 429].join()) break;
        if (Date.now() - back > 30_000) throw new Error(`not shared again after 30 s: ${after.join(',')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const recovered = Date.now() - back;
      console.log(
        `redis loss: ${10 + 14 + tries * 10} requests; while lost (${back - lostAt} ms) ${JSON.stringify(count(during))}, 0 answered 5xx; shared again ${recovered} ms after Redis returned (${tries} round(s) of 10)`,
      );
    },
  );

  it(
    'orders, gateway payments and webhooks run through the loss: each order once, each event once, no 5xx',
    { timeout: 180_000 },
    async () => {
      if (!server) await startRedis();
      const rx = await receiver(() => 200);
      try {
        const r = await subscribedReseller(h, rx.url);
        const statuses: number[] = [];
        const order = async (name: string) => {
          const res = await request(h.api.url, '/api/v1/domains/register', {
            apiKey: r.apiKey,
            key: `redis-${name}`,
            body: { domain_name: name, registrant: SEED_CONTACT },
          });
          statuses.push(res.status);
        };
        const batch = (prefix: string, n: number) =>
          Promise.all(Array.from({ length: n }, (_, i) => order(uniqueName(`${prefix}${i}`))));
        // Two invoices waiting for their gateway payment when Redis goes.
        const attempts: string[] = [];
        for (const name of [uniqueName('redisinv0'), uniqueName('redisinv1')])
          attempts.push((await placeInvoiceOrder(h, r.token, name, 'xendit')).attemptRef);
        await batch('redisbefore', 8);
        await killRedis();
        const lostAt = Date.now();
        const callbacks: number[] = [];
        await Promise.all([
          batch('redisduring', 10),
          ...attempts.map(async (ref) => callbacks.push(...(await h.gw.pay(ref)))),
        ]);
        const during = Date.now() - lostAt;
        await startRedis();
        await batch('redisafter', 6);
        expect(statuses.filter((s) => s >= 500)).toEqual([]);
        expect(callbacks).toEqual([200, 200]);
        const total = 2 + 8 + 10 + 6;
        await eventually(async () => (await completedOrders(h.db, r.id)) === total, 90_000);
        const events = (await h.db('events').where({ resellerId: r.id }).pluck('id')) as string[];
        expect(events).toHaveLength(total * 2 + 2);
        await eventually(() => events.every((id) => rx.accepted().get(id) === 1), 60_000);
        console.log(
          `redis loss under orders: ${total} orders (10 placed and 2 invoices paid by gateway callback while Redis was gone for ${during} ms); ${statuses.length + callbacks.length} requests, 0 answered 5xx; every order completed once; ${events.length} events delivered once each`,
        );
      } finally {
        await rx.close();
      }
    },
  );
});
