/**
 * List and scan benchmarks (figures printed; nothing asserted):
 *   1. authenticated `GET /api/v1/domains` under autocannon vs a bare Koa app in the same run (ratio);
 *   2. list latency p50 at 10k vs 1M domains, first page and a deep keyset page;
 *   3. the expiry scan over 1M domains (pages, reminders, wall time).
 *
 * Run: npm run bench:lists [-- --max 1000000 --seconds 5]
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Koa from 'koa';
import pino from 'pino';
import { createApp } from '../src/api/app';
import { createReminderActivities } from '../activities/reminders';
import { loadConfig } from '../src/config';
import { createKnex, dropDatabase, ensureDatabase } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { createGateways } from '../src/payments';
import { createRegistrar } from '../src/registrar';
import { SecretBox } from '../src/secrets';
import { encodeCursor } from '../src/services/domains';
import { createReseller } from '../src/services/resellers';
import { createTemporalClient } from '../src/temporal/client';

const { values } = parseArgs({
  options: { max: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '5' } },
});
const MAX = Number(values.max);
const SECONDS = Number(values.seconds);

async function listen(app: Koa): Promise<{ url: string; close: () => void }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function load(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration: SECONDS, headers });
  return result.requests.average;
}

async function p50(url: string, headers: Record<string, string>, n = 200): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)]!;
}

async function main(): Promise<void> {
  const dbUrl = `postgres://postgres@127.0.0.1:5432/dr_bench_lists_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(dbUrl);
  const db = createKnex(dbUrl, { max: 10 });
  const log = pino({ level: 'silent' });
  try {
    await migrateLatest(db);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: dbUrl,
      RATE_LIMIT_POINTS: '100000000',
      LOG_LEVEL: 'silent',
    });
    const temporal = createTemporalClient('127.0.0.1:1', 'default');
    const app = createApp({
      config,
      db,
      temporal,
      log,
      registrar: createRegistrar(config),
      secrets: new SecretBox(config.SECRETS_KEY),
      gateways: createGateways(config),
    });
    const api = await listen(app as unknown as Koa);
    const bare = new Koa();
    bare.use((ctx) => {
      ctx.body = { success: true, message: 'OK', data: { domains: [] } };
    });
    const bareApi = await listen(bare);
    const r = await createReseller(db, {
      name: 'Bench',
      email: `bench-${Date.now()}@x.test`,
      currency: 'USD',
      ipAllowlist: ['127.0.0.1'],
    });
    const headers = { 'X-API-KEY': r.apiKey };

    const insertUpTo = async (count: number) => {
      const have = Number((await db('domains').count<{ count: string }[]>('* as count'))[0]!.count);
      if (have >= count) return;
      await db.raw(
        `INSERT INTO domains (reseller_id, name, expires_at)
         SELECT ?, 'bench-' || g || '.com', now() + ((g % 400) || ' days')::interval FROM generate_series(?::int, ?::int) g`,
        [r.reseller.id, have + 1, count],
      );
      await db.raw('ANALYZE domains');
    };

    await insertUpTo(10_000);
    const ours = await load(`${api.url}/api/v1/domains?limit=25`, headers);
    const theirs = await load(bareApi.url, {});
    console.log(
      `authenticated GET /api/v1/domains (autocannon, 10 connections, ${SECONDS}s): ${ours.toFixed(0)} req/s`,
    );
    console.log(`bare Koa JSON endpoint, same run:                               ${theirs.toFixed(0)} req/s`);
    console.log(
      `ratio (ours / bare): ${(ours / theirs).toFixed(3)}  (per request: one credential+reseller query, rate limit, keyset query; api_logs rows batched)`,
    );

    console.log('\nlist latency p50 (200 sequential requests, limit=100)');
    for (const size of [10_000, MAX]) {
      const t = performance.now();
      await insertUpTo(size);
      const seeded = performance.now() - t;
      const maxId = Number((await db('domains').max<{ max: number }[]>('id as max'))[0]!.max);
      const first = await p50(`${api.url}/api/v1/domains?limit=100`, headers);
      const deep = await p50(
        `${api.url}/api/v1/domains?limit=100&cursor=${encodeCursor(maxId - 500)}`,
        headers,
      );
      console.log(
        `  ${String(size).padStart(9)} domains: first page ${first.toFixed(2)} ms, deep page ${deep.toFixed(2)} ms${seeded > 1000 ? `  (seeded in ${(seeded / 1000).toFixed(1)} s)` : ''}`,
      );
    }

    const scan = createReminderActivities({ db });
    const t = performance.now();
    let cursor: { expiresAt: string; id: number } | null = null;
    let pages = 0;
    let reminded = 0;
    do {
      const page: Awaited<ReturnType<typeof scan.scanExpiringPage>> = await scan.scanExpiringPage(
        [30, 14, 7, 1],
        7,
        cursor,
      );
      pages += 1;
      reminded += page.reminded;
      cursor = page.next;
    } while (cursor);
    console.log(
      `\nexpiry scan over ${MAX} domains: ${pages} pages, ${reminded} reminders written, ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    api.close();
    bareApi.close();
    await app.apiLogs.close();
    await temporal.connection.close();
  } finally {
    await db.destroy();
    await dropDatabase(dbUrl);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
