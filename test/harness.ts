import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { checkLedger } from '../src/services/ledger-check';
import { Client, Connection } from '@temporalio/client';
import { startEventRelay } from '../src/webhooks/relay';
import { createActivities } from '../activities';
import { buildActivityDeps } from '../src/activity-deps';
import { NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Knex } from 'knex';
import type { DynadotRegistrar } from '../src/registrar/dynadot/client';
import { dynadotClient } from '../src/registrar';
import { RegistrarSimulator } from '../simulators/registrar/server';
import { PaymentGatewaySimulator } from '../simulators/gateways/server';
import { installRuntime, temporalLogger } from '../src/temporal/runtime';
import { bundleWorkflows, createQueueWorkers, polledQueues, runWorkers } from '../src/temporal/worker';
import { dataConverterOf } from '../src/temporal/data-converter';
import { DEFAULT_TASK_QUEUES } from '../workflows/contracts';
import { ACCOUNT_LIMITS } from '../src/registrar/account';
import { eventsAgainstDocument } from './event-contract';
import { silentLog, startTestApi, testConfig, testDb, type TestApi } from './helpers';
import { CLI, cliEnv } from './cli-helpers';

export const TEST_SECRETS_KEY = 'test-secrets-key-0123456789';
export const GATEWAY_KEYS = {
  MIDTRANS_SERVER_KEY: 'SB-Mid-server-test',
  XENDIT_SECRET_KEY: 'xnd_development_test',
  XENDIT_CALLBACK_TOKEN: 'test-callback-token',
};

/**
 * A long-running CLI command (`api`, `worker`) as its own process, pointed at the test database,
 * Temporal and the harness's registrar simulator, plus `env`. Its own process group: tsx runs the
 * command in a child process, and `killGroup` must reach both.
 */
export function spawnAgainst(
  h: Pick<OrderHarness, 'sim'> & Partial<Pick<OrderHarness, 'gw'>>,
  command: 'api' | 'worker',
  env: Record<string, string> = {},
  opts: { direct?: boolean } = {},
): ChildProcess {
  // direct: one process (node with tsx's loader) that gets the signals itself, as in production;
  // the tsx binary SIGKILLs its child when a relayed SIGTERM is not confirmed within 30 ms.
  const [bin, args] = opts.direct
    ? [process.execPath, ['--import', 'tsx', ...CLI.args, command]]
    : [CLI.command, [...CLI.args, command]];
  return spawn(bin, args, {
    cwd: CLI.cwd,
    stdio: process.env['DEBUG_LOG'] ? ['ignore', 'inherit', 'inherit'] : 'ignore',
    detached: true,
    env: cliEnv({
      DYNADOT_API_URL: h.sim.apiUrl,
      DYNADOT_API_KEY: 'test-key',
      DYNADOT_ACCOUNT_LEVEL: HARNESS_ACCOUNT.level,
      DYNADOT_RATE_WINDOW_MS: String(HARNESS_ACCOUNT.windowMs),
      REGISTER_LAG_SECONDS: '3',
      REGISTRAR_TIMEOUT_MS: '2000',
      SECRETS_KEY: TEST_SECRETS_KEY,
      WORKER_METRICS_ADDRESS: '',
      ...GATEWAY_KEYS,
      ...(h.gw
        ? { MIDTRANS_SNAP_URL: `${h.gw.url}/snap/v1`, MIDTRANS_API_URL: h.gw.url, XENDIT_API_URL: h.gw.url }
        : {}),
      ...(process.env['DEBUG_LOG'] ? { LOG_LEVEL: process.env['DEBUG_LOG'] } : {}),
      ...env,
    }),
  });
}

/**
 * Everything an order test needs, all real: the test database, the registrar simulator, the
 * Dynadot client pointed at it, a worker on the test Temporal server, and the API.
 */
export interface OrderHarness {
  db: Knex;
  sim: RegistrarSimulator;
  /** Midtrans + Xendit simulator; its callbacks go to `api`. */
  gw: PaymentGatewaySimulator;
  registrar: DynadotRegistrar;
  api: TestApi;
  /** The running workers, one per queue (none when stopped or not started in process). */
  workers: Worker[];
  /** A Temporal client for the test's own calls. */
  temporal: Client;
  /** Stops the worker (graceful) and resolves when it has stopped. */
  stopWorker(): Promise<void>;
  /** Starts a fresh worker (after stopWorker). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/** The relay's timing in tests: deliveries retried after 1 s, 2 s, 4 s…; the sweep looks every second. */
export const HARNESS_WEBHOOKS = {
  taskQueue: DEFAULT_TASK_QUEUES.webhooks,
  endpointMaxInFlight: 10,
  backoffBaseSeconds: 1,
  horizonSeconds: 120,
  intervalMs: 200,
  sweepIntervalMs: 1_000,
  sweepGraceSeconds: 5,
};

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  // Bundled once for the run by global-setup.ts (read-only, shared by every file and every
  // worker process a test starts); bundled here only where no run made one.
  const shared = inject('workflowBundlePath');
  bundle ??= shared
    ? readFile(shared, 'utf8').then((code) => ({ code, sourceMap: '' }))
    : bundleWorkflows(temporalLogger(silentLog));
  return bundle;
}

/** The registrar account the harness simulates, and its processes are configured for. */
export const HARNESS_ACCOUNT = { level: 'super_bulk', windowMs: 1_000 } as const;

export interface OrderHarnessOptions {
  apiEnv?: Record<string, string>;
  registrarTimeoutMs?: number;
  invoiceTtlHours?: number;
  /** false: no in-process worker (the test runs worker processes itself). */
  inProcessWorker?: boolean;
  /** false: no event relay (the test dispatches events itself). */
  relay?: boolean;
  /** How long a lost register answer is settled from evidence before registering again (default 3 s). */
  registrarLagMs?: number;
  /** DNSSEC_UNSIGN_DELAY_SECONDS in ms (default 4 s). */
  dnssecUnsignDelayMs?: number;
  /** Another database than the run's shared one (a test that starts from an empty catalog). */
  db?: Knex;
  /** Another Temporal server than the run's shared one (a test that kills its own). */
  temporalAddress?: string;
  /** Another registrar than the in-process simulator (one behind a link the test cuts). */
  registrarUrl?: string;
  /**
   * A database of the test's own (made when the harness starts), with the API's and the worker's
   * own connection pools on it (the relay is the worker's), as their processes have in production:
   * what each one queries can then be counted apart from the test's.
   */
  databases?: () => Promise<{ test: Knex; api: Knex; worker: Knex }>;
  /** Settings of the in-process worker beyond the test defaults (made when the harness starts). */
  workerEnv?: () => Promise<Record<string, string>>;
}

/**
 * A file's harness: started before its tests, closed after them, and after them the money
 * invariants (`doctor --ledger`) asserted over the database, whatever the tests did, and every
 * stored event checked against its schema in the served OpenAPI document. The object
 * returned stands for the harness once `beforeAll` has run.
 */
export function useOrderHarness(opts: OrderHarnessOptions = {}): OrderHarness {
  let current: OrderHarness | undefined;
  beforeAll(async () => {
    current = await startOrderHarness(opts);
  });
  afterAll(async () => {
    if (!current) return;
    const findings = await checkLedger(current.db);
    const events = await eventsAgainstDocument(current.db, current.api.url);
    await current.close();
    expect(findings).toEqual([]);
    expect(events.problems).toEqual([]);
  });
  return new Proxy({} as OrderHarness, {
    get(_target, prop) {
      if (!current) throw new Error('the order harness is used before beforeAll has started it');
      return Reflect.get(current, prop) as unknown;
    },
  });
}

export async function startOrderHarness(opts: OrderHarnessOptions = {}): Promise<OrderHarness> {
  installRuntime(silentLog);
  const own = await opts.databases?.();
  const db = own?.test ?? opts.db ?? testDb();
  const workerDb = own?.worker ?? db;
  // The live protocol on a super bulk account, its per-minute window shortened to a second (25
  // threads, 6000 calls a second: room for the suites' bursts); tests of limits use their own.
  const sim = new RegistrarSimulator({
    apiKey: 'test-key',
    timeoutHoldMs: 5_000,
    transferPollsToComplete: 2,
    accountLevel: HARNESS_ACCOUNT.level,
    rateWindowMs: HARNESS_ACCOUNT.windowMs,
  });
  await sim.start();
  const registrar = dynadotClient({
    apiUrl: opts.registrarUrl ?? sim.apiUrl,
    apiKey: 'test-key',
    level: HARNESS_ACCOUNT.level,
    windowMs: HARNESS_ACCOUNT.windowMs,
    timeoutMs: opts.registrarTimeoutMs ?? 2_000,
    throttlePauseMs: 100,
  });
  const gw = new PaymentGatewaySimulator({
    midtransServerKey: GATEWAY_KEYS.MIDTRANS_SERVER_KEY,
    xenditSecretKey: GATEWAY_KEYS.XENDIT_SECRET_KEY,
    xenditCallbackToken: GATEWAY_KEYS.XENDIT_CALLBACK_TOKEN,
  });
  await gw.start();
  const gatewayEnv = {
    ...GATEWAY_KEYS,
    MIDTRANS_SNAP_URL: `${gw.url}/snap/v1`,
    MIDTRANS_API_URL: gw.url,
    XENDIT_API_URL: gw.url,
    GATEWAY_TIMEOUT_MS: '2000',
  };
  const temporalEnv: Record<string, string> = opts.temporalAddress
    ? { TEMPORAL_ADDRESS: opts.temporalAddress }
    : {};
  const config = testConfig({
    ...gatewayEnv,
    ...temporalEnv,
    SECRETS_KEY: TEST_SECRETS_KEY,
    ...(await opts.workerEnv?.()),
  });
  const makeWorker = async (): Promise<{
    workers: Worker[];
    running: Promise<void>;
    connection: NativeConnection;
  }> => {
    const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const deps = buildActivityDeps(config, workerDb, silentLog, {
      registrar,
      invoiceTtlHours: opts.invoiceTtlHours,
      registrarLagMs: opts.registrarLagMs ?? 3_000,
      // The zone stays signed this long after its DS left the registrar (2 days live).
      dnssecUnsignDelayMs: opts.dnssecUnsignDelayMs ?? 4_000,
    });
    // Every queue, as `npm run dev`'s one worker polls them; the registrar queues at the simulated account's limits.
    const workers = await createQueueWorkers({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      workflowBundle: await workflowBundle(),
      dataConverter: dataConverterOf(config),
      activities: createActivities(deps),
      queues: polledQueues(config),
      registrarLimits: { ...ACCOUNT_LIMITS[HARNESS_ACCOUNT.level], windowMs: HARNESS_ACCOUNT.windowMs },
    });
    return { workers, running: runWorkers(workers), connection };
  };
  let current = opts.inProcessWorker === false ? null : await makeWorker();
  const api = await startTestApi(
    own?.api ?? db,
    {
      SECRETS_KEY: TEST_SECRETS_KEY,
      ORDER_ACCEPT_WAIT_MS: '15000',
      TRANSFER_POLL_SECONDS: '1',
      ...gatewayEnv,
      ...temporalEnv,
      ...opts.apiEnv,
    },
    { registrar },
  );
  gw.callbackBaseUrl = api.url;
  const relayConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const relayClient = new Client({
    connection: relayConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterOf(config),
  });
  const stopRelay =
    opts.relay === false
      ? () => Promise.resolve()
      : startEventRelay(workerDb, relayClient, HARNESS_WEBHOOKS, pino({ level: 'error' }));
  const harness: OrderHarness = {
    db,
    sim,
    gw,
    registrar,
    api,
    workers: current?.workers ?? [],
    async stopWorker() {
      if (!current) return;
      for (const w of current.workers) if (w.getState() === 'RUNNING') w.shutdown();
      await current.running;
      await current.connection.close();
    },
    async startWorker() {
      current = await makeWorker();
      harness.workers = current.workers;
    },
    temporal: relayClient,
    async close() {
      await stopRelay();
      await relayConnection.close();
      await harness.stopWorker().catch(() => undefined);
      await api.close();
      await sim.close();
      await gw.close();
      await db.destroy();
      await own?.api.destroy();
      await own?.worker.destroy();
    },
  };
  return harness;
}
