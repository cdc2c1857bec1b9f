/**
 * A bulk renew job on the registrar simulator at an account level (figures printed, nothing
 * asserted): `--items` renewals submitted as one job through the API and confirmed, the API and
 * the worker as their own processes keeping to the level's threads and calls per window, as
 * production does. Printed: the wall time from confirmation to the job's end beside what the
 * account's limit allows (items × registrar calls per item ÷ calls per window), the registrar
 * calls made and whether any went over the limit (the simulator counts breaches), and the job's
 * longest run history (it continues as new).
 *
 * Run: npm run bench:bulk -- [--items 10000] [--level super_bulk] [--window-ms 60000]
 * Needs the local Postgres (127.0.0.1:5432); starts its own Temporal, worker and API.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createKnex, dropDatabase, ensureDatabase } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { ACCOUNT_LIMITS, type AccountLevel } from '../src/registrar/account';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { installRuntime } from '../src/temporal/runtime';
import { RegistrarSimulator } from '../simulators/registrar/server';
import { benchResellers, ROOT, startEngine, startProcesses } from './stack';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    level: { type: 'string', default: 'super_bulk' },
    'window-ms': { type: 'string', default: '60000' },
  },
});
const ITEMS = Number(values.items);
const LEVEL = values.level as AccountLevel;
const WINDOW_MS = Number(values['window-ms']);

interface JobJson {
  id: string;
  status: string;
  items: Record<string, number>;
  progress: { finished: number; of: number; eta_seconds: number | null };
}

async function main() {
  installRuntime(pino({ level: 'silent' }));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const url = `postgres://postgres@127.0.0.1:5432/dr_bench_bulk_${process.pid}`;
  await ensureDatabase(url);
  const setup = createKnex(url, { max: 1 });
  await migrateLatest(setup);
  await upsertPrices(setup, DEMO_CATALOG);
  await setup.destroy();
  const db = createKnex(url, { max: 5 });
  const limits = ACCOUNT_LIMITS[LEVEL];
  const sim = new RegistrarSimulator({ apiKey: 'bench', accountLevel: LEVEL, rateWindowMs: WINDOW_MS });
  await sim.start();
  const engine = await startEngine('dev', url);
  const procs = await startProcesses(engine, url, sim.apiUrl, {
    env: {
      DYNADOT_ACCOUNT_LEVEL: LEVEL,
      DYNADOT_RATE_WINDOW_MS: String(WINDOW_MS),
      REGISTRAR_MAX_CONCURRENCY: String(limits.threads),
      BODY_LIMIT: '4mb',
    },
  });
  try {
    const [reseller] = await benchResellers(db, 1, 'bulk');
    const expiresAt = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1));
    const names = Array.from({ length: ITEMS }, (_, i) => `bulk-bench-${process.pid}-${i}.com`);
    for (const n of names) sim.seedDomain(n, expiresAt);
    for (let i = 0; i < names.length; i += 1000)
      await db('domains').insert(
        names
          .slice(i, i + 1000)
          .map((name) => ({ resellerId: reseller!.reseller.id, name, expiresAt, status: 'active' })),
      );
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${procs.base}/api/v1${path}`, {
        method,
        headers: { 'X-API-KEY': reseller!.apiKey, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as { data?: { job: JobJson }; message?: string };
      if (!json.data) throw new Error(`${method} ${path}: ${res.status} ${json.message}`);
      return json.data.job;
    };
    const t0 = performance.now();
    const job = await api('POST', '/bulk-jobs', { action: 'renew', items: names });
    const preflightS = (performance.now() - t0) / 1000;
    const before = sim.calls.get('renew') ?? 0;
    const breaches = { ...sim.account.breaches };
    const started = performance.now();
    await api('POST', `/bulk-jobs/${job.id}/confirm`, {});
    let end: JobJson;
    let lastPrint = 0;
    for (;;) {
      end = await api('GET', `/bulk-jobs/${job.id}`);
      if (end.status === 'completed' || end.status === 'cancelled') break;
      if (performance.now() - lastPrint > 30_000) {
        lastPrint = performance.now();
        console.log(
          `  … ${end.progress.finished}/${end.progress.of} after ${((lastPrint - started) / 1000).toFixed(0)} s, ETA ${end.progress.eta_seconds ?? '–'} s`,
        );
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const seconds = (performance.now() - started) / 1000;
    const calls = (sim.calls.get('renew') ?? 0) - before;
    const allowedS = (ITEMS * 1 * WINDOW_MS) / limits.callsPerWindow / 1000;
    const connection = await Connection.connect({ address: engine.address });
    const runs: number[] = [];
    for await (const run of new Client({ connection }).workflow.list({
      query: `WorkflowId = 'bulk-job-${job.id}'`,
    }))
      runs.push(run.historyLength);
    await connection.close();
    console.log(
      `bulk renew job of ${ITEMS} items on a ${LEVEL} account (${limits.threads} threads, ${limits.callsPerWindow} calls per ${WINDOW_MS / 1000} s)`,
    );
    console.log(`  preflight (check and price every item)   ${preflightS.toFixed(1)} s`);
    console.log(
      `  items succeeded / failed                 ${end.items['succeeded']} / ${end.items['failed']}`,
    );
    console.log(
      `  registrar renew calls                    ${calls} (${(calls / ITEMS).toFixed(2)} per item)`,
    );
    console.log(
      `  peak in flight / per window at the sim   ${sim.account.peak.inFlight} / ${sim.account.peak.perWindow}`,
    );
    console.log(
      `  breaches of the limit (rate, threads)    ${sim.account.breaches.rate - breaches.rate}, ${sim.account.breaches.threads - breaches.threads}`,
    );
    console.log(
      `  wall time, confirmation to end           ${seconds.toFixed(0)} s (${(ITEMS / seconds).toFixed(1)} items/s)`,
    );
    console.log(`  what the limit allows                    ${allowedS.toFixed(0)} s`);
    console.log(`  ratio wall ÷ limit (goal ≤ 1.2)          ${(seconds / allowedS).toFixed(2)}`);
    console.log(`  job runs / longest history (goal < 10,000) ${runs.length} / ${Math.max(...runs)} events`);
  } finally {
    await procs.stop();
    await engine.stop();
    await sim.close();
    await db.destroy();
    await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
