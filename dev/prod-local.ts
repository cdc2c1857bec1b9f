/**
 * `npm run prod:local`: the production topology on this machine. A real Temporal server
 * (`temporal-server`, the release the dev server embeds) on Postgres with several history shards
 * and SQL visibility, two API processes (the `api` command as a cluster), four worker processes
 * split by queue as production runs them (two on provisioning, one on webhooks, one on default),
 * the simulators, and the seeded demo accounts; what runs is written to DATA_DIR/stacks for the
 * CLI. Ctrl-C stops all of it (each process drains first).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../src/config';
import {
  demoBanner,
  openDatabase,
  seedDemoAccounts,
  stackSettings,
  startDnsAddon,
  startSimulators,
  stopper,
  workerQueues,
} from './stack';
import { createLogger } from '../src/logger';
import { setCurrentVersion } from '../src/temporal/deployments';
import { PROD_TEMPORAL, startProdServer } from '../src/temporal/prod-server';
import { startUiServer, TEMPORAL_UI_VERSION } from '../src/temporal/ui-server';
import { writeStackState } from '../src/stack-state';
import { taskQueues } from '../src/temporal/queues';
import type { TaskQueueKind } from '../workflows/contracts';

const repoRoot = path.resolve(__dirname, '..');
const API_PROCESSES = 2;
/** The worker processes, split by queue: a flood of one kind of work never takes another's slots. */
const WORKER_PLAN: ReadonlyArray<{ name: string; queues: TaskQueueKind[] }> = [
  { name: 'provisioning-1', queues: ['provisioning'] },
  { name: 'provisioning-2', queues: ['provisioning'] },
  { name: 'webhooks', queues: ['webhooks'] },
  { name: 'default', queues: ['default'] },
];

/** Whether a Redis answers PING on 127.0.0.1:`port` within a second. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** This checkout's build: its commit (and `-dirty` with uncommitted changes), or WORKER_BUILD_ID. */
function buildId(config: { WORKER_BUILD_ID?: string | undefined }): string {
  if (config.WORKER_BUILD_ID) return config.WORKER_BUILD_ID;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit}-dirty-${Date.now().toString(36)}` : commit;
  } catch {
    return `local-${Date.now().toString(36)}`;
  }
}

async function main(): Promise<void> {
  const config = loadConfig({ LOG_PRETTY: 'true', ...process.env });
  const log = createLogger(config);
  const stops = stopper(log);

  try {
    const { pg, db } = await openDatabase(config, 'domain_reseller_prod_local', log, stops);

    const [, port = '7233'] = config.TEMPORAL_ADDRESS.split(':');
    log.info('starting temporal-server on Postgres (the first run builds it: a few minutes)');
    const temporal = await startProdServer({
      postgresUrl: pg.url,
      database: 'domain_reseller_temporal',
      visibilityDatabase: 'domain_reseller_temporal_visibility',
      port: Number(port),
      namespace: config.TEMPORAL_NAMESPACE,
      dataDir: path.join(config.DATA_DIR, 'temporal-server'),
      log: (line) => log.debug({ component: 'temporal' }, line),
    });
    stops.push(() => temporal.stop());
    log.info({ address: temporal.address, shards: temporal.shards }, 'temporal-server ready');

    // The Web UI beside it, on loopback (the first run builds it: under a minute).
    const ui = await startUiServer({
      temporalAddress: temporal.address,
      namespace: config.TEMPORAL_NAMESPACE,
      port: config.TEMPORAL_UI_PORT,
      codecEndpoint: `http://127.0.0.1:${config.PORT}/console/codec`,
      dataDir: path.join(config.DATA_DIR, 'temporal-ui'),
      log: (line) => log.debug({ component: 'temporal-ui' }, line),
    });
    stops.push(() => ui.stop());

    const sims = await startSimulators(config);
    stops.push(() => sims.close());
    const dns = await startDnsAddon(config, pg.url, 'domain_reseller_prod_local', log, stops);

    // Several processes share the registrar account's limits (and the API's) only through Redis:
    // the machine's own is used when none is configured.
    const redisUrl = config.REDIS_URL ?? ((await redisAnswers(6379)) ? 'redis://127.0.0.1:6379' : undefined);
    const env = {
      ...process.env,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      ...sims.config,
      ...dns.config,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      PORT: String(config.PORT),
    };
    // The workers form a versioned deployment (Worker Deployment Versioning): this build is made its
    // current version once they poll. A later build is rolled out the same way (docs/operating.md).
    const deployment = { name: config.WORKER_DEPLOYMENT_NAME ?? 'domain-reseller', buildId: buildId(config) };
    const children: ChildProcess[] = [];
    const spawnCli = (name: string, args: string[], extra: Record<string, string>): void => {
      // One process (node with tsx's loader), as `node dist/src/cli.js` runs in production: the tsx
      // binary runs the command in a child and SIGKILLs it when it does not confirm a relayed
      // SIGTERM within 30 ms, which would cut a drain short.
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
        cwd: repoRoot,
        env: { ...env, ...extra },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      child.once('exit', (code, signal) => {
        log.error({ process: name, code, signal }, 'a process of the topology exited; stopping');
        void stops.stopAll(1);
      });
    };
    stops.push(async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.removeAllListeners('exit');
              // Each drains first: the API for API_DRAIN_DELAY_MS and its requests, a worker its activities.
              const timer = setTimeout(() => c.kill('SIGKILL'), 90_000);
              c.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
    });
    const pids: number[] = [];
    WORKER_PLAN.forEach((w, n) => {
      // Each worker's SDK metrics on a port of its own (9464, 9465, …).
      const [metricsHost = '127.0.0.1', metricsPort = '9464'] = (config.WORKER_METRICS_ADDRESS || '').split(
        ':',
      );
      spawnCli(`worker ${w.name}`, ['worker', '--queues', w.queues.join(',')], {
        WORKER_DEPLOYMENT_NAME: deployment.name,
        WORKER_BUILD_ID: deployment.buildId,
        WORKER_METRICS_ADDRESS: config.WORKER_METRICS_ADDRESS
          ? `${metricsHost}:${Number(metricsPort) + n}`
          : '',
      });
      pids.push(children.at(-1)?.pid ?? 0);
    });
    spawnCli('api', ['api'], { API_PROCESSES: String(API_PROCESSES) });
    const control = await Connection.connect({ address: temporal.address });
    try {
      await setCurrentVersion(control, config.TEMPORAL_NAMESPACE, deployment, { waitMs: 120_000 });
    } finally {
      await control.close();
    }
    log.info(deployment, 'worker deployment version is current');

    const apiUrl = `http://127.0.0.1:${config.PORT}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ready = await fetch(`${apiUrl}/readyz`).catch(() => null);
      if (ready?.ok) break;
      if (Date.now() > deadline) throw new Error('the API did not become ready within 120 s');
      await new Promise((r) => setTimeout(r, 500));
    }

    const accounts = await seedDemoAccounts(db);
    const queues = taskQueues(config);
    const removeState = writeStackState(config.DATA_DIR, {
      stack: 'prod-local',
      apiUrl,
      databaseUrl: pg.url,
      temporalAddress: temporal.address,
      temporalNamespace: config.TEMPORAL_NAMESPACE,
      env: stackSettings(env),
      workers: WORKER_PLAN.map((w) => ({ name: w.name, queues: w.queues })),
    });
    stops.push(() => Promise.resolve(removeState()));
    process.stdout.write(
      demoBanner(
        'domain-reseller is running in the production topology',
        apiUrl,
        [
          [
            'Temporal',
            `temporal-server ${PROD_TEMPORAL.serverVersion} at ${temporal.address}, on Postgres (${PROD_TEMPORAL.persistencePlugin}), ${temporal.shards} history shards, SQL visibility`,
          ],
          ['Temporal UI', `${ui.url} (temporal-ui-server ${TEMPORAL_UI_VERSION}, loopback only)`],
          [
            'Processes',
            `${API_PROCESSES} API processes (one port), ${WORKER_PLAN.length} workers split by queue`,
          ],
          ...WORKER_PLAN.map((w, n): [string, string] => [
            n === 0 ? 'Workers' : '',
            `${w.name.padEnd(15)} pid ${pids[n]}, polls ${workerQueues(w.queues, queues, config)}`,
          ]),
          dns.banner,
          [
            'Deployment',
            `deployment ${deployment.name}, current build ${deployment.buildId} (Worker Deployment Versioning)`,
          ],
          [
            'Limits',
            redisUrl
              ? `Redis ${redisUrl} (API rate limits and the registrar account's threads and calls)`
              : "API rate limits through the cluster primary; no Redis, so each process keeps the registrar account's limits alone",
          ],
          ['Postgres', pg.source],
          [
            'CLI',
            `npm run cli -- … talks to this stack (${path.join(config.DATA_DIR, 'stacks', 'prod-local.json')})`,
          ],
        ],
        sims,
        accounts,
      ),
    );
  } catch (err) {
    log.error({ err }, 'prod:local startup failed');
    await stops.stopAll(1);
  }
}

void main();
