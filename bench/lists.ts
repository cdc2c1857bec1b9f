/**
 * List and scan benchmarks (figures printed beside their targets; nothing asserted):
 *   1. authenticated `GET /api/v1/domains` under autocannon (its own process, after a warm-up)
 *      against a bare Koa endpoint answering the same 25 rows from one prepared pg query over a
 *      pool of the same size (target ≥ 0.5 of it), and against an empty Koa endpoint;
 *   2. list latency p50 at 10k vs 1M domains, first page and a deep keyset page;
 *   3. the expiry scan over 1M domains (pages, reminders, wall time).
 *
 * Run: npm run bench:lists [-- --max 1000000 --seconds 5]
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import pg from 'pg';
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

const AUTOCANNON = path.join(__dirname, '..', 'node_modules', '.bin', 'autocannon');

/** Requests per second under autocannon run as its own process (so it does not share our CPU time). */
async function load(url: string, headers: Record<string, string>, seconds = SECONDS): Promise<number> {
  const args = ['--json', '-c', '10', '-d', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const { stdout } = await promisify(execFile)(AUTOCANNON, [...args, url], { maxBuffer: 1 << 24 });
  const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number };
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`);
  return result.requests.average;
}

const target = (measured: number, goal: number) =>
  `${measured.toFixed(3)} (target >= ${goal}: ${measured >= goal ? 'met' : 'NOT met'})`;

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
    const empty = new Koa();
    empty.use((ctx) => {
      ctx.body = { success: true, message: 'OK', data: { domains: [] } };
    });
    const emptyApi = await listen(empty);
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
    // The fair anchor: the same 25 rows, presented alike, from one prepared query and a pool of the same size.
    const pool = new pg.Pool({ connectionString: dbUrl, max: 10 });
    const bare = new Koa();
    bare.use(async (ctx) => {
      const { rows } = await pool.query<Record<string, unknown>>({
        name: 'bare-list',
        text: `SELECT id, name, status, registered_at, expires_at, auto_renew, privacy, locked, nameservers
                 FROM domains WHERE reseller_id = $1 ORDER BY id LIMIT 26`,
        values: [r.reseller.id],
      });
      const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);
      ctx.body = {
        success: true,
        message: 'OK',
        data: {
          domains: rows.slice(0, 25).map((d) => ({
            id: d['id'],
            domain_name: d['name'],
            status: d['status'],
            registered_at: iso(d['registered_at']),
            expires_at: iso(d['expires_at']),
            auto_renew: d['auto_renew'],
            privacy: d['privacy'],
            locked: d['locked'],
            nameservers: d['nameservers'],
          })),
          pagination: { limit: 25, next_cursor: rows.length > 25 ? 'x' : null },
        },
      };
    });
    const bareApi = await listen(bare);
    const endpoints = {
      ours: [`${api.url}/api/v1/domains?limit=25`, headers],
      bare: [bareApi.url, {}],
      empty: [emptyApi.url, {}],
    } as const;
    for (const [url, h] of Object.values(endpoints)) await load(url, h, 2); // warm-up
    const ours = await load(...endpoints.ours);
    const theirs = await load(...endpoints.bare);
    const nothing = await load(...endpoints.empty);
    console.log(
      `authenticated GET /api/v1/domains?limit=25 (autocannon in its own process, 10 connections, ${SECONDS}s, after a 2s warm-up)`,
    );
    console.log(`  ours:                                          ${ours.toFixed(0)} req/s`);
    console.log(`  bare Koa, same 25 rows, one prepared pg query: ${theirs.toFixed(0)} req/s`);
    console.log(`  bare Koa, empty JSON:                          ${nothing.toFixed(0)} req/s`);
    console.log(`  ratio to the database-backed bare endpoint: ${target(ours / theirs, 0.5)}`);
    console.log(`  ratio to the empty endpoint:                ${(ours / nothing).toFixed(3)}`);
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
    const scanSeconds = (performance.now() - t) / 1000;
    console.log(
      `\nexpiry scan over ${MAX} domains: ${pages} pages, ${reminded} reminders written, ${scanSeconds.toFixed(1)} s (target <= 2 s: ${scanSeconds <= 2 ? 'met' : 'NOT met'}, ratio ${(scanSeconds / 2).toFixed(2)})`,
    );
    api.close();
    bareApi.close();
    emptyApi.close();
    await pool.end();
    await app.apiLogs.close();
    await app.credentials.close();
    await app.limiters.close();
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
