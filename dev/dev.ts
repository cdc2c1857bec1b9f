/**
 * `npm run dev`: Postgres (DATABASE_URL, the local server, or embedded), migrations, the
 * Temporal dev server with its Web UI, the hosted DNS addon (PowerDNS), a seeded demo reseller with printed credentials, the
 * worker and the API, all in one terminal; Ctrl-C stops everything.
 */
import { loadConfig } from '../src/config';
import { DEV_DATABASE_NAME } from '../src/db/database-url';
import path from 'node:path';
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
import { writeStackState } from '../src/stack-state';
import { taskQueues } from '../src/temporal/queues';
import { TASK_QUEUE_KINDS } from '../workflows/contracts';
import { createLogger } from '../src/logger';
import { startApi } from '../src/main-api';
import { startWorker } from '../src/main-worker';
import { startDevServer } from '../src/temporal/dev-server';
import { SIMULATOR_LAG_MS } from '../simulators/registrar/server';

async function main(): Promise<void> {
  // The registrar simulator lags SIMULATOR_LAG_MS behind every change: the follow-ups that
  // wait for it wait that long (the live default is Dynadot's ~30 minutes).
  const config = loadConfig({
    LOG_PRETTY: 'true',
    REGISTER_LAG_SECONDS: String(SIMULATOR_LAG_MS / 1000),
    ...process.env,
  });
  const log = createLogger(config);
  const stops = stopper(log);

  try {
    const { pg, db } = await openDatabase(config, DEV_DATABASE_NAME, log, stops);

    const [host = '127.0.0.1', port = '7233'] = config.TEMPORAL_ADDRESS.split(':');
    const temporal = await startDevServer({
      ip: host,
      port: Number(port),
      uiPort: config.TEMPORAL_UI_PORT,
      // The dev UI decodes through the API's codec server (turn on "include cross-origin
      // credentials" in its codec settings once, signed in to the console: docs/operating.md).
      uiCodecEndpoint: `http://127.0.0.1:${config.PORT}/console/codec`,
      namespace: config.TEMPORAL_NAMESPACE,
      dataDir: config.DATA_DIR,
      log: (line) => log.debug({ component: 'temporal' }, line),
    });
    stops.push(() => temporal.stop());
    log.info({ address: temporal.address, ui: temporal.uiUrl ?? 'already running' }, 'temporal ready');

    const sims = await startSimulators(config);
    stops.push(() => sims.close());
    log.info({ url: sims.registrar.apiUrl }, 'registrar simulator ready');
    const dns = await startDnsAddon(config, pg.url, DEV_DATABASE_NAME, log, stops);
    const devConfig = { ...config, DATABASE_URL: pg.url, ...sims.config, ...dns.config };

    const worker = await startWorker(devConfig, log, { db });
    stops.push(() => worker.shutdown());
    void worker.done.catch((err: unknown) => {
      log.error({ err }, 'worker failed');
      void stops.stopAll(1);
    });

    const api = await startApi(devConfig, log, { db });
    stops.push(() => api.close());

    const accounts = await seedDemoAccounts(db);
    // The CLI finds this stack by this file (npm run cli -- … with no DATABASE_URL).
    const removeState = writeStackState(config.DATA_DIR, {
      stack: 'dev',
      apiUrl: api.url,
      databaseUrl: pg.url,
      temporalAddress: temporal.address,
      temporalNamespace: config.TEMPORAL_NAMESPACE,
      env: stackSettings({ ...process.env, ...devConfig, PORT: String(config.PORT) }),
      workers: [{ name: 'worker', queues: [...TASK_QUEUE_KINDS] }],
    });
    stops.push(() => Promise.resolve(removeState()));
    process.stdout.write(
      demoBanner(
        'domain-reseller is running',
        api.url,
        [
          ['Temporal UI', temporal.uiUrl ?? '(server was already running)'],
          ['Temporal gRPC', temporal.address],
          ['Postgres', pg.source],
          dns.banner,
          [
            'Worker',
            `one, in this process; polls ${workerQueues(TASK_QUEUE_KINDS, taskQueues(config), config)}`,
          ],
          [
            'CLI',
            `npm run cli -- … talks to this stack (${path.join(config.DATA_DIR, 'stacks', 'dev.json')})`,
          ],
        ],
        sims,
        accounts,
      ),
    );
  } catch (err) {
    log.error({ err }, 'dev startup failed');
    await stops.stopAll(1);
  }
}

void main();
