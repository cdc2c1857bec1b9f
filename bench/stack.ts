/** What the benches share: the Temporal engine, and the API and worker processes on it. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Knex } from '../src/db/knex';
import { creditWallet } from '../src/services/ledger';
import { createReseller } from '../src/services/resellers';
import { devServerTuningArgs } from '../src/temporal/dev-server';
import { PROD_TEMPORAL, resolveTemporalServerDir, startProdServer } from '../src/temporal/prod-server';
import { freePort } from '../src/utils/ports';
import { SEARCH_ATTRIBUTES } from '../workflows/contracts';

export const ROOT = path.join(__dirname, '..');

/** The p-th percentile of sorted figures. */
export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export type EngineKind = 'dev' | 'prod-local';

export interface Engine {
  label: string;
  address: string;
  /** The server's executable: its processes' CPU is read from /proc by this. */
  bin: string;
  stop(): Promise<void>;
}

/** The Temporal engine a bench runs on: the dev server (in memory, or on `temporalFile`), or temporal-server on Postgres. */
export async function startEngine(kind: EngineKind, appUrl: string, temporalFile?: string): Promise<Engine> {
  if (kind === 'prod-local') {
    const name = `dr_bench_temporal_${randomBytes(4).toString('hex')}`;
    const server = await startProdServer({
      postgresUrl: appUrl,
      database: name,
      visibilityDatabase: `${name}_vis`,
      port: await freePort(),
      namespace: 'default',
      dataDir: path.join(tmpdir(), name),
    });
    return {
      label: `temporal-server ${PROD_TEMPORAL.serverVersion} on Postgres, ${server.shards} shards`,
      address: server.address,
      bin: path.join(await resolveTemporalServerDir(), 'temporal-server'),
      stop: () => server.destroy(),
    };
  }
  const bin = execFileSync('bash', [path.join(ROOT, 'scripts', 'ensure-temporal.sh')], {
    encoding: 'utf8',
  }).trim();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: bin },
      searchAttributes: [...SEARCH_ATTRIBUTES],
      extraArgs: devServerTuningArgs(),
      ...(temporalFile ? { dbFilename: temporalFile } : {}),
    },
  });
  return {
    label: `dev server ${temporalFile ? 'on a SQLite file' : 'in memory'}`,
    address: env.connection.options.address,
    bin,
    stop: async () => {
      await env.teardown();
      if (temporalFile) rmSync(temporalFile, { force: true });
    },
  };
}

/**
 * The API and the worker as their own compiled processes (as deployed), on `engine`; `profile`:
 * a directory where each writes V8 CPU profiles; `env`: settings beside the bench's.
 */
export async function startProcesses(
  engine: Engine,
  url: string,
  simUrl: string,
  opts: { profile?: string | undefined; env?: Record<string, string> } = {},
) {
  const port = await freePort();
  const childEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: engine.address,
    DYNADOT_API_URL: simUrl,
    DYNADOT_API_KEY: 'bench',
    REGISTRAR_MAX_CONCURRENCY: '5',
    REGISTRAR_TIMEOUT_MS: '10000',
    RATE_LIMIT_POINTS: '1000000',
    WORKER_METRICS_ADDRESS: '',
    // The benches' simulator account: bulk (5 threads, 100 names a search), its per-minute window
    // shortened to 100 ms so the registrar's limit is not what is measured.
    DYNADOT_ACCOUNT_LEVEL: 'bulk',
    DYNADOT_RATE_WINDOW_MS: '100',
    PORT: String(port),
    HOST: '127.0.0.1',
    ...opts.env,
  };
  const spawnCli = (command: string): ChildProcess =>
    spawn(
      process.execPath,
      [
        ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.profile)}`] : []),
        'dist/src/cli.js',
        command,
      ],
      {
        cwd: ROOT,
        env: childEnv,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  const worker = spawnCli('worker');
  const api = spawnCli('api');
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if ((await fetch(`${base}/readyz`).catch(() => null))?.ok) break;
    if (i > 300) throw new Error('the API did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    api,
    worker,
    stop: () =>
      Promise.all(
        [api, worker].map(
          (child) =>
            new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill('SIGTERM');
            }),
        ),
      ),
  };
}

export type Processes = Awaited<ReturnType<typeof startProcesses>>;

const registrant = {
  name: 'B',
  address1: 'a',
  city: 'c',
  postcode: '1',
  country: 'TZ',
  phone: '+255.754123456',
  email: 'b@x.test',
};

/**
 * One wallet registration through `POST /api/v1/domains/register`, from the request until the
 * order is no longer pending or processing: the API's status and the milliseconds it took.
 */
export async function orderToCompletion(
  db: Knex,
  base: string,
  apiKey: string,
  domain: string,
): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(`${base}/api/v1/domains/register`, {
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ domain_name: domain, registrant }),
  });
  await r.text();
  // Accept → completed: poll the order when the API answered before completion.
  for (;;) {
    const row = (await db('orders').where({ domainName: domain }).first('status')) as
      { status: string } | undefined;
    if (row && !['pending', 'processing', 'awaiting_payment'].includes(row.status)) break;
    await new Promise((s) => setTimeout(s, 10));
  }
  return { status: r.status, ms: performance.now() - t0 };
}

/** `measured` beside its target, and whether it is met. */
export const target = (measured: number, op: '<=' | '>=', goal: number, unit = '') =>
  `${measured.toFixed(measured < 10 ? 2 : 0)}${unit} (target ${op} ${goal}${unit}: ${
    (op === '<=' ? measured <= goal : measured >= goal) ? 'met' : 'NOT met'
  }, ratio ${(measured / goal).toFixed(2)})`;

/** `n` resellers with wallets no bench can empty, one per concurrent client. */
export async function benchResellers(db: Knex, n: number, tag: string) {
  const resellers = [];
  for (let i = 0; i < n; i += 1) {
    const created = await createReseller(db, {
      name: `${tag} ${i}`,
      email: `${tag}-${i}-${Date.now()}@x.test`,
      currency: 'USD',
      ipAllowlist: ['127.0.0.1'],
    });
    await creditWallet(db, {
      resellerId: created.reseller.id,
      currency: 'USD',
      amount: 10n ** 12n,
      kind: 'topup',
      reference: `${tag}-${i}-${created.reseller.id}`,
    });
    resellers.push(created);
  }
  return resellers;
}
