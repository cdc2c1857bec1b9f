/**
 * Benchmarks for the orders core (figures printed beside their targets; nothing asserted):
 *   1. bulk search of 100 names with the registrar simulator at 200 ms latency
 *      (client alone, and through the API), as wall time / simulated latency (target ≤ 1.3 ×);
 *   2. wallet orders end to end (API → Temporal → worker → simulator → Postgres) at increasing
 *      concurrency, each client its own reseller: orders/s, p50/p99 from request to completed
 *      order, and CPU per order of the Temporal server and of this Node process (API + worker);
 *      targets p50 ≤ 100 ms and p99 ≤ 300 ms at concurrency 1, ≥ 20 orders/s at 20, CPU ≤ 60 ms,
 *      ≤ 1 registrar call per order (each reseller's first order, which makes its contacts, apart);
 *   3. concurrency 1 again with the simulator at 200 ms per call: registrar time and our
 *      overhead apart.
 *
 * Run: npm run bench -- [--orders 60] [--concurrency 1,5,20] [--temporal-file] [--temporal=prod-local]
 *      [--profile DIR] (the API and worker processes write V8 CPU profiles, one per thread, to DIR)
 * (--temporal-file: the dev server on a SQLite file, as `npm run dev` runs it, instead of memory;
 * --temporal=prod-local: parts 2 and 3 also on the production engine, temporal-server on Postgres
 * with 8 history shards as `npm run prod:local` runs it, and both engines side by side, with the
 * production engine's throughput at concurrency 20 as a share of the dev server's: target ≥ 0.8.)
 * Needs the local Postgres (127.0.0.1:5432); starts its own Temporal, worker and API.
 */
import { execFileSync } from 'node:child_process';
import { cpuMs, cpuMsOf, postgresCpuMs } from './proc';
import {
  benchResellers,
  type Engine,
  type EngineKind,
  orderToCompletion,
  pct,
  type Processes,
  ROOT,
  startEngine,
  startProcesses,
  target,
} from './stack';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createKnex, dropDatabase, ensureDatabase } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import type { DynadotRegistrar } from '../src/registrar/dynadot/client';
import { dynadotClient } from '../src/registrar';
import { RegistrarSimulator } from '../simulators/registrar/server';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { installRuntime } from '../src/temporal/runtime';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '1,5,20' },
    'temporal-file': { type: 'boolean', default: false },
    temporal: { type: 'string', default: 'dev' },
    /** A directory: the API and worker processes write V8 CPU profiles there when they stop. */
    profile: { type: 'string' },
  },
});
if (!['dev', 'prod-local'].includes(values.temporal)) throw new Error('--temporal takes dev or prod-local');
const ENGINES: EngineKind[] = values.temporal === 'prod-local' ? ['dev', 'prod-local'] : ['dev'];
const ORDERS = Number(values.orders);
const LEVELS = values.concurrency.split(',').map(Number);
const TEMPORAL_FILE = values['temporal-file']
  ? path.join(tmpdir(), `dr-bench-${randomBytes(4).toString('hex')}.db`)
  : undefined;

const log = pino({ level: 'silent' });

type Resellers = Awaited<ReturnType<typeof benchResellers>>;

/** 1. Bulk search at 200 ms simulated latency, through the client and through the API. */
async function benchSearch(
  sim: RegistrarSimulator,
  registrar: DynadotRegistrar,
  base: string,
  token: string,
) {
  sim.setFaults({ latencyMs: 200 });
  const names = Array.from({ length: 100 }, (_, i) => `bench-search-${i}.com`);
  const median = async (run: () => Promise<unknown>) => {
    await run(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  const clientMs = await median(() => registrar.search(names));
  let status = 0;
  const apiMs = await median(async () => {
    const res = await fetch(`${base}/api/reseller/v1/domains/search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: names.map((n) => `domains[]=${n}`).join('&'),
    });
    await res.text();
    status = res.status;
  });
  console.log('bulk search, 100 names, simulator latency 200 ms (median of 5 after a warm-up)');
  console.log(
    `  client: ${clientMs.toFixed(0)} ms wall = ${(clientMs / 200).toFixed(2)} x latency (one bulk call)`,
  );
  console.log(
    `  API:    ${apiMs.toFixed(0)} ms wall = ${target(apiMs / 200, '<=', 1.3, ' x')} (HTTP ${status})`,
  );
  sim.setFaults({ latencyMs: 0 });
}

let seq = 0;

/** `orders` wallet orders from `level` clients (each its own reseller), request to completed order. */
async function runLevel(
  ctx: {
    db: ReturnType<typeof createKnex>;
    sim: RegistrarSimulator;
    engine: Engine;
    procs: Processes;
    resellers: Resellers;
  },
  level: number,
  orders: number,
) {
  const { db, sim, engine, procs, resellers } = ctx;
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const calls = Object.fromEntries(sim.calls);
  const cpu = {
    temporal: cpuMsOf(engine.bin),
    postgres: postgresCpuMs(),
    api: cpuMs(procs.api.pid!),
    worker: cpuMs(procs.worker.pid!),
  };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: level }, async (_, client) => {
      const apiKey = resellers[client]!.apiKey;
      while (next < orders) {
        next += 1;
        seq += 1;
        const domain = `bench-${Date.now().toString(36)}-${seq}.com`;
        const r = await orderToCompletion(db, procs.base, apiKey, domain);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        latencies.push(r.ms);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const perOrder = (ms: number) => ms / latencies.length;
  const used = {
    temporal: perOrder(cpuMsOf(engine.bin) - cpu.temporal),
    postgres: perOrder(postgresCpuMs() - cpu.postgres),
    api: perOrder(cpuMs(procs.api.pid!) - cpu.api),
    worker: perOrder(cpuMs(procs.worker.pid!) - cpu.worker),
  };
  const registrarCalls = [...sim.calls].reduce((n, [k, v]) => n + v - (calls[k] ?? 0), 0) / latencies.length;
  return { wall, latencies, statuses, used, registrarCalls, rate: latencies.length / wall };
}

type Level = Awaited<ReturnType<typeof runLevel>>;
const cpuTotal = (r: Level) => r.used.temporal + r.used.api + r.used.worker;

/** 2. and 3. on one engine: the levels, the targets, and concurrency 1 at 200 ms per registrar call. */
async function benchOrders(ctx: Parameters<typeof runLevel>[0]): Promise<Map<number, Level>> {
  const { sim, engine } = ctx;
  console.log(
    `\nwallet orders end to end (${ORDERS} per level; register via POST /api/v1/domains/register; Temporal: ${engine.label})`,
  );
  console.log(
    '  concurrency  orders/s  p50 ms  p99 ms  CPU ms/order (temporal + api + worker) + postgres  registrar calls/order  statuses',
  );
  const results = new Map<number, Level>();
  await runLevel(ctx, 1, 5); // warm-up: bundles, JIT, connections
  // Every reseller's first order makes its registrant a registrar contact (once per distinct
  // contact of a reseller): one order each first, so the levels measure the orders after it.
  const first = await runLevel(ctx, Math.max(...LEVELS), Math.max(...LEVELS));
  console.log(
    `  (warm-up: each reseller's first order, ${first.registrarCalls.toFixed(1)} registrar calls/order with its contacts made)`,
  );
  for (const level of LEVELS) {
    const r = await runLevel(ctx, level, ORDERS);
    results.set(level, r);
    console.log(
      `  ${String(level).padStart(11)}  ${r.rate.toFixed(1).padStart(8)}  ${pct(r.latencies, 50).toFixed(0).padStart(6)}  ${pct(r.latencies, 99).toFixed(0).padStart(6)}  ${`${cpuTotal(r).toFixed(0)} (${r.used.temporal.toFixed(0)} + ${r.used.api.toFixed(0)} + ${r.used.worker.toFixed(0)}) + ${r.used.postgres.toFixed(0)}`.padStart(50)}  ${r.registrarCalls.toFixed(1).padStart(21)}  ${JSON.stringify(r.statuses)}`,
    );
  }
  console.log('\ntargets');
  const one = results.get(1);
  if (one) {
    console.log(`  concurrency 1 p50: ${target(pct(one.latencies, 50), '<=', 100, ' ms')}`);
    console.log(`  concurrency 1 p99: ${target(pct(one.latencies, 99), '<=', 300, ' ms')}`);
  }
  const top = results.get(20);
  if (top) {
    console.log(`  concurrency 20 throughput: ${target(top.rate, '>=', 20, ' orders/s')}`);
    console.log(
      `  CPU per order at 20 (Temporal server + API + worker): ${target(cpuTotal(top), '<=', 60, ' ms')}`,
    );
  }
  const calls = [...results.values()].reduce((n, r) => n + r.registrarCalls * r.latencies.length, 0);
  const orders = [...results.values()].reduce((n, r) => n + r.latencies.length, 0);
  console.log(`  registrar calls per wallet order: ${target(calls / orders, '<=', 1, '')}`);

  // The registrar at 200 ms per call: what of an order is the registrar's, what is ours.
  sim.setFaults({ latencyMs: 200 });
  const slow = await runLevel(ctx, 1, Math.min(ORDERS, 20));
  sim.setFaults({ latencyMs: 0 });
  const p50 = pct(slow.latencies, 50);
  const registrarMs = slow.registrarCalls * 200;
  console.log(
    `\nsimulator at 200 ms per call, concurrency 1 (${slow.latencies.length} orders): p50 ${p50.toFixed(0)} ms = ${slow.registrarCalls.toFixed(1)} registrar calls x 200 ms (${registrarMs.toFixed(0)} ms) + ${(p50 - registrarMs).toFixed(0)} ms ours`,
  );
  return results;
}

async function main(): Promise<void> {
  const url = `postgres://postgres@127.0.0.1:5432/dr_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  const db = createKnex(url, { max: 20 });
  await migrateLatest(db);
  await upsertPrices(db, DEMO_CATALOG);
  installRuntime(log);
  // A bulk account (5 threads, 100 names a search) with its per-minute limit lifted for throughput.
  const sim = new RegistrarSimulator({ apiKey: 'bench', accountLevel: 'bulk', rateWindowMs: 100 });
  await sim.start();
  const registrar = dynadotClient({
    apiUrl: sim.apiUrl,
    apiKey: 'bench',
    level: 'bulk',
    windowMs: 100,
    timeoutMs: 10_000,
  });
  // Compiled, as production runs it (`npm run build`; under tsx every stack trace the workflow
  // sandbox captures would go through source maps).
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const byEngine = new Map<string, Map<number, Level>>();
  try {
    // One reseller per concurrent client (each wallet is its own lock, as in real traffic).
    const resellers = await benchResellers(db, Math.max(...LEVELS), 'bench');
    for (const kind of ENGINES) {
      const engine = await startEngine(kind, url, TEMPORAL_FILE);
      const procs = await startProcesses(engine, url, sim.apiUrl, { profile: values.profile }).catch(
        async (err: unknown) => {
          await engine.stop();
          throw err;
        },
      );
      try {
        if (kind === ENGINES[0]) await benchSearch(sim, registrar, procs.base, resellers[0]!.token);
        byEngine.set(engine.label, await benchOrders({ db, sim, engine, procs, resellers }));
      } finally {
        await procs.stop();
        await engine.stop();
      }
    }
    if (byEngine.size > 1) {
      const [dev, prod] = [...byEngine.values()];
      const at20 = (r: Map<number, Level> | undefined) => r?.get(20)?.rate ?? NaN;
      console.log(
        `\nproduction engine throughput at concurrency 20 ÷ dev server's: ${target(at20(prod) / at20(dev), '>=', 0.8)}`,
      );
      console.log(
        '\nboth engines, same machine, same run (orders/s · p50 ms · CPU ms/order: temporal + api + worker, + postgres)',
      );
      for (const [label, results] of byEngine)
        console.log(
          `  ${label.padEnd(48)} ${[...results]
            .map(
              ([level, r]) =>
                `@${level}: ${r.rate.toFixed(1)}/s · ${pct(r.latencies, 50).toFixed(0)} ms · ${cpuTotal(r).toFixed(0)} + ${r.used.postgres.toFixed(0)} pg ms`,
            )
            .join('   ')}`,
        );
    }
  } finally {
    await sim.close();
    await db.destroy();
    await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
