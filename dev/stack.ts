/**
 * What `npm run dev` and `npm run prod:local` both bring up around the engine: the registrar and
 * gateway simulators (and the configuration that points the real clients at them), the seeded
 * demo reseller and admin with fresh credentials, and the banner that prints them.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { createKnex } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { resolvePostgres } from '../src/db/postgres';
import type { Logger } from '../src/logger';
import { seedDemoData } from './seed';
import { startPowerDns } from '../src/hosted-dns/server';
import { PaymentGatewaySimulator } from '../simulators/gateways/server';
import path from 'node:path';
import { RegistrarSimulator, SIMULATOR_LAG_MS } from '../simulators/registrar/server';
import { seedDemoAdmin } from '../src/services/admins';
import { seedDemoReseller } from '../src/services/resellers';
import { setPassword } from '../src/services/sessions';
import { registrarTaskQueue, type TaskQueueKind, type TaskQueues } from '../workflows/contracts';

export interface Simulators {
  registrar: RegistrarSimulator;
  gateways: PaymentGatewaySimulator;
  /** The configuration that points the Dynadot, Midtrans and Xendit clients at them. */
  config: Pick<Config, 'DYNADOT_API_URL' | 'MIDTRANS_SNAP_URL' | 'MIDTRANS_API_URL' | 'XENDIT_API_URL'>;
  close(): Promise<void>;
}

export async function startSimulators(config: Config): Promise<Simulators> {
  const registrar = new RegistrarSimulator({
    port: config.SIMULATOR_PORT,
    apiKey: config.DYNADOT_API_KEY,
    // The account the clients are configured for: the same level and limit window.
    accountLevel: config.DYNADOT_ACCOUNT_LEVEL,
    rateWindowMs: config.DYNADOT_RATE_WINDOW_MS,
    lagMs: SIMULATOR_LAG_MS,
  });
  await registrar.start();
  const gateways = new PaymentGatewaySimulator({
    port: config.GATEWAY_SIM_PORT,
    midtransServerKey: config.MIDTRANS_SERVER_KEY,
    xenditSecretKey: config.XENDIT_SECRET_KEY,
    xenditCallbackToken: config.XENDIT_CALLBACK_TOKEN,
    callbackBaseUrl: `http://127.0.0.1:${config.PORT}`,
  });
  try {
    await gateways.start();
  } catch (err) {
    await registrar.close();
    throw err;
  }
  return {
    registrar,
    gateways,
    config: {
      DYNADOT_API_URL: registrar.apiUrl,
      MIDTRANS_SNAP_URL: `${gateways.url}/snap/v1`,
      MIDTRANS_API_URL: gateways.url,
      XENDIT_API_URL: gateways.url,
    },
    async close() {
      await gateways.close();
      await registrar.close();
    },
  };
}

/**
 * The hosted DNS addon: the PowerDNS at DNS_ADDON_URL when one is set, or one started here on
 * 127.0.0.1 (DNS_ADDON_DNS_PORT, DNS_ADDON_API_PORT) with a database of its own beside the app's.
 * Without PowerDNS installed the stack runs on, with registrar-hosted DNS only.
 */
export async function startDnsAddon(
  config: Config,
  postgresUrl: string,
  databaseName: string,
  log: Logger,
  stops: ReturnType<typeof stopper>,
): Promise<{ config: Pick<Config, 'DNS_ADDON_URL'>; banner: [string, string] }> {
  if (config.DNS_ADDON_URL)
    return { config: {}, banner: ['DNS addon', `PowerDNS at ${config.DNS_ADDON_URL} (configured)`] };
  try {
    const pdns = await startPowerDns({
      postgresUrl,
      database: `${databaseName}_pdns`,
      dnsPort: config.DNS_ADDON_DNS_PORT,
      apiPort: config.DNS_ADDON_API_PORT,
      apiKey: config.DNS_ADDON_API_KEY,
      dataDir: path.join(config.DATA_DIR, 'pdns'),
      log: (line) => log.debug({ component: 'pdns' }, line),
    });
    stops.push(() => pdns.stop());
    log.info({ api: pdns.apiUrl, dnsPort: pdns.dnsPort }, 'hosted DNS addon (PowerDNS) ready');
    return {
      config: { DNS_ADDON_URL: pdns.apiUrl },
      banner: [
        'DNS addon',
        `PowerDNS ${pdns.version}, API ${pdns.apiUrl}; dig @127.0.0.1 -p ${pdns.dnsPort} <domain> A`,
      ],
    };
  } catch (err) {
    log.warn({ err }, 'hosted DNS addon not started: DNS management stays registrar-hosted');
    return { config: {}, banner: ['DNS addon', 'off (PowerDNS did not start; see the log)'] };
  }
}

/** The demo reseller (with demo domains) and admin, with fresh keys, tokens and passwords. */
export async function seedDemoAccounts(db: Knex) {
  const demo = await seedDemoReseller(db);
  await seedDemoData(db, demo.reseller.id, demo.reseller.currency);
  const admin = await seedDemoAdmin(db);
  // Fresh browser passwords every run, like the credentials (only their hashes are stored).
  const resellerPassword = randomBytes(12).toString('base64url');
  const adminPassword = randomBytes(12).toString('base64url');
  await setPassword(db, 'system', 'reseller', demo.reseller.id, resellerPassword);
  await setPassword(db, 'system', 'admin', admin.admin.id, adminPassword);
  return { demo, admin, resellerPassword, adminPassword };
}

/** The banner's lines: where everything runs (`services`, label → value) and how to sign in. */
export function demoBanner(
  title: string,
  apiUrl: string,
  services: Array<[string, string]>,
  sims: Simulators,
  accounts: Awaited<ReturnType<typeof seedDemoAccounts>>,
): string {
  const { demo, admin, resellerPassword, adminPassword } = accounts;
  const { registrar, gateways } = sims;
  const lines = [
    '',
    `  ${title}`,
    `  API            ${apiUrl}   (health: ${apiUrl}/healthz)`,
    ...services.map(([label, value]) => `  ${label.padEnd(14)} ${value}`),
    `  Registrar      simulator at ${registrar.apiUrl} (admin: ${registrar.url}/__sim/state)`,
    `  Gateways       Midtrans + Xendit simulator at ${gateways.url} (pay: POST ${gateways.url}/__gw/pay {"ref": "<attempt>"})`,
    '',
    `  Demo reseller #${demo.reseller.id} (${demo.reseller.currency}); fresh credentials for this run:`,
    `    X-API-KEY      ${demo.apiKey}   (API whitelist: 127.0.0.1 and ::1, for both credentials on /api/v1)`,
    `    Bearer token   ${demo.token}`,
    `  Demo admin ${admin.admin.email}: admin token for ${apiUrl}/api/admin/v1`,
    `    Bearer token   ${admin.token}`,
    '',
    `  Reseller portal  ${apiUrl}/portal    sign in: ${demo.reseller.email} / ${resellerPassword}`,
    `  Operator console ${apiUrl}/console   sign in: ${admin.admin.email} / ${adminPassword}`,
    '',
    `  curl -H "X-API-KEY: ${demo.apiKey}" ${apiUrl}/api/v1/domains`,
    `  curl -H "Authorization: Bearer ${demo.token}" ${apiUrl}/api/reseller/v1/status`,
    `  curl -H "X-API-KEY: ${demo.apiKey}" -H 'Content-Type: application/json' \\`,
    `       -d '{"domain_name":"my-first-domain.com"}' ${apiUrl}/api/v1/domains/check`,
    `  curl -H "Authorization: Bearer ${admin.token}" ${apiUrl}/api/admin/v1/review`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Postgres (DATABASE_URL, the local server, or the embedded one), the database `databaseName`
 * migrated, and a knex on it; both are stopped by `stops`.
 */
export async function openDatabase(
  config: Config,
  databaseName: string,
  log: Logger,
  stops: ReturnType<typeof stopper>,
) {
  const pg = await resolvePostgres({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    databaseName,
    log: (line) => log.debug({ component: 'postgres' }, line),
  });
  stops.push(() => pg.stop());
  const db = createKnex(pg.url);
  stops.push(() => db.destroy());
  log.info({ source: pg.source, applied: await migrateLatest(db) }, 'postgres ready, migrations up to date');
  return { pg, db };
}

/** The settings a CLI command needs to work on this stack, none of them secret (written to its state file). */
export function stackSettings(env: Record<string, unknown>): Record<string, string> {
  const keys = [
    'TEMPORAL_QUEUE_PROVISIONING',
    'TEMPORAL_QUEUE_WEBHOOKS',
    'TEMPORAL_QUEUE_DEFAULT',
    'DYNADOT_API_URL',
    'MIDTRANS_SNAP_URL',
    'MIDTRANS_API_URL',
    'XENDIT_API_URL',
    'DNS_ADDON_URL',
    'REDIS_URL',
    'PORT',
    'PUBLIC_URL',
  ];
  const settings: Record<string, string> = {};
  for (const k of keys) {
    const v = env[k];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const value = String(v);
    // A Redis URL with a password stays out: the file holds no secret.
    if (k === 'REDIS_URL' && new URL(value).password) continue;
    settings[k] = value;
  }
  return settings;
}

/** What a worker polling `kinds` polls, with its slots: each queue, and the registrar queue beside it. */
export function workerQueues(
  kinds: readonly TaskQueueKind[],
  queues: TaskQueues,
  config: Pick<Config, 'WORKER_PROVISIONING_SLOTS' | 'WORKER_WEBHOOKS_SLOTS' | 'WORKER_DEFAULT_SLOTS'>,
): string {
  const slots = {
    provisioning: config.WORKER_PROVISIONING_SLOTS,
    webhooks: config.WORKER_WEBHOOKS_SLOTS,
    default: config.WORKER_DEFAULT_SLOTS,
  };
  return kinds
    .map(
      (k) =>
        `${queues[k]} (${slots[k]} slots)` + (k === 'webhooks' ? '' : ` + ${registrarTaskQueue(queues[k])}`),
    )
    .join(', ');
}

/** Stops, last started first, each once; `stopAll(code)` ends the process. */
export function stopper(log: { info(m: string): void; error(o: object, m: string): void }) {
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
  return { push: (stop: () => Promise<void>) => void stops.push(stop), stopAll };
}
