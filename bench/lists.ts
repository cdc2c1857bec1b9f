/**
 * List and scan benchmarks (figures printed beside their targets; nothing asserted):
 *   1. authenticated `GET /api/v1/domains` under autocannon (its own process, after a warm-up)
 *      against a bare Koa endpoint answering the same 25 rows from one prepared pg query over a
 *      pool of the same size (target ≥ 0.5 of it), and against an empty Koa endpoint;
 *   2. list latency p50 at 10k vs 1M domains, first page and a deep keyset page;
 *   3. the expiry scan over 1M domains (pages, reminders, wall time).
 *
 * Run: npm run bench:lists [-- --max 1000000 --seconds 3 --rounds 5]
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
import { dataConverterOf } from '../src/temporal/data-converter';
import { createTemporalClient } from '../src/temporal/client';
import { expiryScanWindows } from '../workflows/contracts';
import { postgresCpuMs } from './proc';
import { createDnsAddon } from '../src/hosted-dns/addon';

const { values } = parseArgs({
  options: {
    max: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
  },
});
const MAX = Number(values.max);
const SECONDS = Number(values.seconds);
const ROUNDS = Math.max(1, Number(values.rounds));

async function listen(app: Koa): Promise<{ url: string; close: () => void }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const AUTOCANNON = path.join(__dirname, '..', 'node_modules', '.bin', 'autocannon');

interface Load {
  /** Requests per second. */
  rps: number;
  /** CPU ms per request of this process (the server under test) and of the Postgres backends. */
  nodeMs: number;
  pgMs: number;
}

/** Requests per second under autocannon run as its own process (so it does not share our CPU time). */
async function load(url: string, headers: Record<string, string>, seconds = SECONDS): Promise<Load> {
  const args = ['--json', '-c', '10', '-d', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const cpu = { node: process.cpuUsage(), pg: postgresCpuMs() };
  const { stdout } = await promisify(execFile)(AUTOCANNON, [...args, url], { maxBuffer: 1 << 24 });
  const node = process.cpuUsage(cpu.node);
  const pgMs = postgresCpuMs() - cpu.pg;
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; non2xx: number };
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`);
  const n = Math.max(1, result.requests.total);
  return { rps: result.requests.average, nodeMs: (node.user + node.system) / 1000 / n, pgMs: pgMs / n };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
    const temporal = createTemporalClient('127.0.0.1:1', 'default', dataConverterOf(config));
    const app = createApp({
      config,
      db,
      temporal,
      log,
      registrar: createRegistrar(config),
      secrets: new SecretBox(config.SECRETS_KEY),
      gateways: createGateways(config),
      dnsAddon: createDnsAddon(config),
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
      // A table in use has long been vacuumed: without this, the scan below would pay for setting
      // the hint bits of a million fresh rows while autovacuum works through them beside it.
      await db.raw('VACUUM (ANALYZE) domains');
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
    const endpoints: Record<'ours' | 'bare' | 'empty', [string, Record<string, string>]> = {
      ours: [`${api.url}/api/v1/domains?limit=25`, headers],
      bare: [bareApi.url, {}],
      empty: [emptyApi.url, {}],
    };
    for (const [url, h] of Object.values(endpoints)) await load(url, h, 2); // warm-up
    // Rounds alternate the endpoints, each figure is the median of its rounds, and the ratio is the
    // median of each round's ours ÷ bare: this machine's speed drifts within a minute, and a ratio
    // of two runs far apart measures that drift too.
    const runs = { ours: [] as Load[], bare: [] as Load[], empty: [] as Load[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const name of ['ours', 'bare', 'empty'] as const) runs[name].push(await load(...endpoints[name]));
    }
    const summary = (name: keyof typeof runs) => ({
      rps: median(runs[name].map((x) => x.rps)),
      nodeMs: median(runs[name].map((x) => x.nodeMs)),
      pgMs: median(runs[name].map((x) => x.pgMs)),
    });
    const ours = summary('ours');
    const theirs = summary('bare');
    const nothing = summary('empty');
    const line = (x: Load) =>
      `${x.rps.toFixed(0).padStart(6)} req/s   CPU per request: node ${(x.nodeMs * 1000).toFixed(0)} µs, postgres ${(x.pgMs * 1000).toFixed(0)} µs`;
    console.log(
      `authenticated GET /api/v1/domains?limit=25 (autocannon in its own process, 10 connections, ${ROUNDS} alternating rounds of ${SECONDS}s after a 2s warm-up; medians)`,
    );
    console.log(`  ours:                                          ${line(ours)}`);
    console.log(`  bare Koa, same 25 rows, one prepared pg query: ${line(theirs)}`);
    console.log(`  bare Koa, empty JSON:                          ${line(nothing)}`);
    console.log(
      `  rounds (ours / bare req/s): ${runs.ours.map((x, i) => `${x.rps.toFixed(0)}/${runs.bare[i]!.rps.toFixed(0)}`).join(', ')}`,
    );
    const paired = (other: Load[]) => median(runs.ours.map((x, i) => x.rps / other[i]!.rps));
    console.log(`  ratio to the database-backed bare endpoint: ${target(paired(runs.bare), 0.5)}`);
    console.log(`  ratio to the empty endpoint:                ${paired(runs.empty).toFixed(3)}`);
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

    // As the daily workflow runs it: the horizon's windows side by side, each a stream of pages;
    // first in one stream (as before the windows), then, from a clean slate, in the default windows.
    const scan = createReminderActivities({ db });
    const scanInput = { thresholdsDays: [30, 14, 7, 1], autoRenewDays: 7 };
    const expiryScan = async (slices?: number) => {
      await db.raw('TRUNCATE domain_reminders');
      await db('events').where({ type: 'domain.expiring' }).del();
      await db.raw('VACUUM (ANALYZE) events');
      await db.raw('VACUUM (ANALYZE) domain_reminders');
      const windows = expiryScanWindows({ ...scanInput, ...(slices ? { slices } : {}) }, new Date());
      const t = performance.now();
      let pages = 0;
      let reminded = 0;
      await Promise.all(
        windows.map(async (w) => {
          let cursor: { expiresAt: string; id: number } | null = null;
          do {
            const page: Awaited<ReturnType<typeof scan.scanExpiringPage>> = await scan.scanExpiringPage(
              scanInput.thresholdsDays,
              scanInput.autoRenewDays,
              cursor,
              w,
            );
            pages += 1;
            reminded += page.reminded;
            cursor = page.next;
          } while (cursor);
        }),
      );
      return { windows: windows.length, pages, reminded, seconds: (performance.now() - t) / 1000 };
    };
    const single = await expiryScan(1);
    const scanned = await expiryScan();
    console.log(`\nexpiry scan over ${MAX} domains (${scanned.reminded} reminders written)`);
    console.log(`  one stream of pages:            ${single.seconds.toFixed(2)} s (${single.pages} pages)`);
    console.log(
      `  ${scanned.windows} windows side by side (default): ${scanned.seconds.toFixed(2)} s (${scanned.pages} pages; target <= 2 s: ${scanned.seconds <= 2 ? 'met' : 'NOT met'}, ratio ${(scanned.seconds / 2).toFixed(2)})`,
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
