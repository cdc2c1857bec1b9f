/**
 * Orders a minute for each Dynadot account level, measured on the registrar simulator at that
 * level (figures printed, nothing asserted): wallet registrations from `--clients` concurrent
 * resellers (each warmed by one order first, so its registrar contacts exist) for `--windows`
 * of the account's rate windows, the API and the worker as their own processes keeping to the
 * level's threads and calls per window, as production does.
 *
 * The live window is a minute. A window that long makes the regular account's run last
 * minutes for 60 orders, so each level's window is shortened to where this machine's stack is
 * not the limit (`regular` 10 s; `bulk` and `super_bulk` a real minute): orders in one window
 * are the orders a minute the level allows. Where the stack, not the registrar, is the limit
 * (super bulk on two cores), the figure says so.
 *
 * Run: npm run bench:levels -- [--levels regular,bulk,super_bulk] [--clients 20] [--windows 2]
 * Needs the local Postgres (127.0.0.1:5432); starts its own Temporal, worker and API.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createKnex, dropDatabase, ensureDatabase } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { ACCOUNT_LIMITS, type AccountLevel } from '../src/registrar/account';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { installRuntime } from '../src/temporal/runtime';
import { RegistrarSimulator } from '../simulators/registrar/server';
import { benchResellers, orderToCompletion, ROOT, startEngine, startProcesses } from './stack';

const { values } = parseArgs({
  options: {
    levels: { type: 'string', default: 'regular,bulk,super_bulk' },
    clients: { type: 'string', default: '20' },
    windows: { type: 'string', default: '2' },
  },
});
const LEVELS = values.levels.split(',') as AccountLevel[];
const CLIENTS = Number(values.clients);
const WINDOWS = Number(values.windows);
/** Each level's rate window here: short enough to measure, long enough that the registrar is the limit. */
const WINDOW_MS: Record<AccountLevel, number> = { regular: 10_000, bulk: 60_000, super_bulk: 60_000 };

let seq = 0;

async function measure(level: AccountLevel, url: string) {
  const db = createKnex(url, { max: 10 });
  const windowMs = WINDOW_MS[level];
  const limits = ACCOUNT_LIMITS[level];
  const sim = new RegistrarSimulator({ apiKey: 'bench', accountLevel: level, rateWindowMs: windowMs });
  await sim.start();
  const engine = await startEngine('dev', url);
  const procs = await startProcesses(engine, url, sim.apiUrl, {
    env: {
      DYNADOT_ACCOUNT_LEVEL: level,
      DYNADOT_RATE_WINDOW_MS: String(windowMs),
      REGISTRAR_MAX_CONCURRENCY: String(limits.threads),
    },
  });
  try {
    const resellers = await benchResellers(db, CLIENTS, `levels-${level}`);
    const name = () => `lvl-${level.replace('_', '')}-${Date.now().toString(36)}-${(seq += 1)}.com`;
    // Warm-up: one order per reseller (its contacts made at the registrar), then a fresh window.
    for (const r of resellers) await orderToCompletion(db, procs.base, r.apiKey, name());
    await new Promise((s) => setTimeout(s, windowMs));
    const calls = Object.fromEntries(sim.calls);
    const breaches = { ...sim.account.breaches };
    const started = performance.now();
    const until = started + WINDOWS * windowMs;
    let done = 0;
    let inTime = 0;
    let failed = 0;
    await Promise.all(
      resellers.map(async (r) => {
        while (performance.now() < until) {
          const res = await orderToCompletion(db, procs.base, r.apiKey, name());
          if (res.status === 201 || res.status === 202) {
            done += 1;
            // Only orders completed inside the windows count: the last ones, started inside and
            // finished after, waited for the next window's calls.
            if (performance.now() <= until) inTime += 1;
          } else failed += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const spent = [...sim.calls].reduce((n, [k, v]) => n + v - (calls[k] ?? 0), 0);
    const perWindow = inTime / WINDOWS;
    const allowed = limits.callsPerWindow / Math.max(1e-9, spent / Math.max(1, done));
    return {
      level,
      windowMs,
      limits,
      done,
      failed,
      seconds,
      callsPerOrder: spent / Math.max(1, done),
      perWindow,
      allowed,
      peak: { ...sim.account.peak },
      breaches: {
        rate: sim.account.breaches.rate - breaches.rate,
        threads: sim.account.breaches.threads - breaches.threads,
      },
    };
  } finally {
    await procs.stop();
    await engine.stop();
    await sim.close();
    await db.destroy();
  }
}

async function main() {
  const log = pino({ level: 'silent' });
  installRuntime(log);
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  console.log(
    `wallet registrations, ${CLIENTS} concurrent resellers, ${WINDOWS} rate windows per level (dev server in memory)`,
  );
  console.log(
    '  level       threads  calls/window  window  orders  registrar calls/order  orders per window (= per live minute)  limit allows  bound by   peak in flight / per window  breaches (rate, threads)',
  );
  for (const level of LEVELS) {
    const url = `postgres://postgres@127.0.0.1:5432/dr_bench_levels_${level}_${process.pid}`;
    await ensureDatabase(url);
    const setup = createKnex(url, { max: 1 });
    await migrateLatest(setup);
    await upsertPrices(setup, DEMO_CATALOG);
    await setup.destroy();
    try {
      const r = await measure(level, url);
      // Within a tenth of what the limit allows: the registrar is what bounds it; else the stack.
      const bound = r.perWindow >= 0.9 * r.allowed ? 'registrar' : 'this stack';
      console.log(
        `  ${level.padEnd(10)}  ${String(r.limits.threads).padStart(7)}  ${String(r.limits.callsPerWindow).padStart(12)}  ${`${r.windowMs / 1000} s`.padStart(6)}  ${String(r.done).padStart(6)}  ${r.callsPerOrder.toFixed(2).padStart(21)}  ${r.perWindow.toFixed(0).padStart(37)}  ${r.allowed.toFixed(0).padStart(12)}  ${bound.padEnd(10)} ${`${r.peak.inFlight} / ${r.peak.perWindow}`.padStart(26)}  ${`${r.breaches.rate}, ${r.breaches.threads}`.padStart(24)}${r.failed ? `  (${r.failed} failed)` : ''}`,
      );
    } finally {
      await dropDatabase(url);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
