/**
 * `npm run dev`: Postgres (DATABASE_URL, the local server, or embedded), migrations, the
 * Temporal dev server with its Web UI, a seeded demo reseller with printed credentials, the
 * worker and the API, all in one terminal; Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from './config';
import { createKnex } from './db/knex';
import { migrateLatest } from './db/migrate';
import { resolvePostgres } from './db/postgres';
import { DEV_DATABASE_NAME } from './deps';
import { createLogger } from './logger';
import { startApi } from './main-api';
import { startWorker } from './main-worker';
import { seedDemoData } from './dev-seed';
import { PaymentGatewaySimulator } from './payments/simulator/server';
import { RegistrarSimulator } from './registrar/simulator/server';
import { seedDemoReseller } from './services/resellers';
import { seedDemoAdmin } from './services/admins';
import { setPassword } from './services/sessions';
import { startDevServer } from './temporal/dev-server';

async function main(): Promise<void> {
  const config = loadConfig({ LOG_PRETTY: 'true', ...process.env });
  const log = createLogger(config);
  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('stopping…');
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log.error({ err }, 'error while stopping');
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const pg = await resolvePostgres({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      databaseName: DEV_DATABASE_NAME,
      log: (line) => log.debug({ component: 'postgres' }, line),
    });
    stops.push(() => pg.stop());
    log.info({ source: pg.source }, 'postgres ready');
    const runtimeConfig = { ...config, DATABASE_URL: pg.url };

    const db = createKnex(pg.url);
    stops.push(() => db.destroy());
    const applied = await migrateLatest(db);
    log.info({ applied }, 'migrations up to date');

    const [host = '127.0.0.1', port = '7233'] = config.TEMPORAL_ADDRESS.split(':');
    const temporal = await startDevServer({
      ip: host,
      port: Number(port),
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      dataDir: config.DATA_DIR,
      log: (line) => log.debug({ component: 'temporal' }, line),
    });
    stops.push(() => temporal.stop());
    log.info({ address: temporal.address, ui: temporal.uiUrl ?? 'already running' }, 'temporal ready');

    const simulator = new RegistrarSimulator({ port: config.SIMULATOR_PORT, apiKey: config.DYNADOT_API_KEY });
    await simulator.start();
    stops.push(() => simulator.close());
    log.info({ url: simulator.apiUrl }, 'registrar simulator ready');
    const gateways = new PaymentGatewaySimulator({
      port: config.GATEWAY_SIM_PORT,
      midtransServerKey: config.MIDTRANS_SERVER_KEY,
      xenditSecretKey: config.XENDIT_SECRET_KEY,
      xenditCallbackToken: config.XENDIT_CALLBACK_TOKEN,
      callbackBaseUrl: `http://127.0.0.1:${config.PORT}`,
    });
    await gateways.start();
    stops.push(() => gateways.close());
    const devConfig = {
      ...runtimeConfig,
      DYNADOT_API_URL: simulator.apiUrl,
      MIDTRANS_SNAP_URL: `${gateways.url}/snap/v1`,
      MIDTRANS_API_URL: gateways.url,
      XENDIT_API_URL: gateways.url,
    };

    const worker = await startWorker(devConfig, log, { db });
    stops.push(() => worker.shutdown());
    void worker.done.catch((err: unknown) => {
      log.error({ err }, 'worker failed');
      void stopAll(1);
    });

    const api = await startApi(devConfig, log, { db });
    stops.push(() => api.close());

    const demo = await seedDemoReseller(db);
    await seedDemoData(db, demo.reseller.id, demo.reseller.currency);
    const demoAdmin = await seedDemoAdmin(db);
    // Fresh browser passwords every run, like the credentials (only their hashes are stored).
    const resellerPassword = randomBytes(12).toString('base64url');
    const adminPassword = randomBytes(12).toString('base64url');
    await setPassword(db, 'system', 'reseller', demo.reseller.id, resellerPassword);
    await setPassword(db, 'system', 'admin', demoAdmin.admin.id, adminPassword);
    const banner = [
      '',
      '  domain-reseller is running',
      `  API            ${api.url}   (health: ${api.url}/healthz)`,
      `  Temporal UI    ${temporal.uiUrl ?? '(server was already running)'}`,
      `  Temporal gRPC  ${temporal.address}`,
      `  Postgres       ${pg.source}`,
      `  Registrar      simulator at ${simulator.apiUrl} (admin: ${simulator.url}/__sim/state)`,
      `  Gateways       Midtrans + Xendit simulator at ${gateways.url} (pay: POST ${gateways.url}/__gw/pay {"ref": "<attempt>"})`,
      '',
      `  Demo reseller #${demo.reseller.id} (${demo.reseller.currency}); fresh credentials for this run:`,
      `    X-API-KEY      ${demo.apiKey}   (API whitelist: 127.0.0.1 and ::1, for both credentials on /api/v1)`,
      `    Bearer token   ${demo.token}`,
      `  Demo admin ${demoAdmin.admin.email}: admin token for ${api.url}/api/admin/v1`,
      `    Bearer token   ${demoAdmin.token}`,
      '',
      `  Reseller portal  ${api.url}/portal    sign in: ${demo.reseller.email} / ${resellerPassword}`,
      `  Operator console ${api.url}/console   sign in: ${demoAdmin.admin.email} / ${adminPassword}`,
      '',
      `  curl -H "X-API-KEY: ${demo.apiKey}" ${api.url}/api/v1/domains`,
      `  curl -H "Authorization: Bearer ${demo.token}" ${api.url}/api/reseller/v1/status`,
      `  curl -H "X-API-KEY: ${demo.apiKey}" -H 'Content-Type: application/json' \\`,
      `       -d '{"domain_name":"my-first-domain.com"}' ${api.url}/api/v1/domains/check`,
      `  curl -H "Authorization: Bearer ${demoAdmin.token}" ${api.url}/api/admin/v1/review`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(`${banner.join('\n')}\n`);
  } catch (err) {
    log.error({ err }, 'dev startup failed');
    await stopAll(1);
  }
}

void main();
