/**
 * The hosted DNS addon's server as `npm run dev`, `npm run prod:local` and the tests run it:
 * PowerDNS Authoritative (Debian's pdns-server 4.7) with its Postgres backend, in a database of
 * its own on the app's Postgres server, answering DNS and its HTTP API on 127.0.0.1 only.
 * Production points the app at any PowerDNS by URL and key (DNS_ADDON_URL, DNS_ADDON_API_KEY).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../db/knex';
import { spawnService } from '../utils/service-process';
import { ensureTool } from '../utils/tool-scripts';

/** The Postgres backend's schema, as the pdns-backend-pgsql package installs it. */
export const PDNS_SCHEMA = '/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql';

export interface PowerDnsOptions {
  /** Any URL of the Postgres server; `database` is created there (and its schema loaded) when missing. */
  postgresUrl: string;
  database: string;
  /** DNS (UDP and TCP) and HTTP API ports on 127.0.0.1. */
  dnsPort: number;
  apiPort: number;
  apiKey: string;
  /** Where the generated configuration (and the control socket) go. */
  dataDir: string;
  log?: ((line: string) => void) | undefined;
}

export interface PowerDnsServer {
  /** The HTTP API's base URL (`DNS_ADDON_URL`). */
  apiUrl: string;
  dnsPort: number;
  version: string;
  stop(): Promise<void>;
}

/** Creates the database and loads the backend's schema into it, once. */
async function prepareDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>(
      "SELECT to_regclass('public.domains') IS NOT NULL AS present",
    );
    if (!rows[0]?.present) await client.query(readFileSync(PDNS_SCHEMA, 'utf8'));
  } finally {
    await client.end();
  }
}

/** pdns.conf for one instance: the gpgsql backend with DNSSEC, loopback only, the API on. */
export function powerDnsConfig(opts: PowerDnsOptions & { databaseUrl: string }): string {
  const db = new URL(opts.databaseUrl);
  const lines = [
    'launch=gpgsql',
    `gpgsql-host=${db.hostname}`,
    `gpgsql-port=${db.port || '5432'}`,
    `gpgsql-user=${decodeURIComponent(db.username) || 'postgres'}`,
    `gpgsql-password=${decodeURIComponent(db.password)}`,
    `gpgsql-dbname=${opts.database}`,
    'gpgsql-dnssec=yes',
    'local-address=127.0.0.1',
    `local-port=${opts.dnsPort}`,
    'api=yes',
    `api-key=${opts.apiKey}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${opts.apiPort}`,
    'webserver-allow-from=127.0.0.0/8,::1/128',
    // Changes made through the API are served at once: no packet or query cache in between.
    'cache-ttl=0',
    'query-cache-ttl=0',
    'negquery-cache-ttl=0',
    'zone-cache-refresh-interval=0',
    'security-poll-suffix=',
    `socket-dir=${opts.dataDir}`,
    'loglevel=4',
  ];
  return `${lines.join('\n')}\n`;
}

/** Waits until the API answers with the server's description (its version). */
async function waitForApi(apiUrl: string, apiKey: string, deadline: number, exited: () => string | null) {
  for (;;) {
    const failure = exited();
    if (failure) throw new Error(failure);
    try {
      const res = await fetch(`${apiUrl}/api/v1/servers/localhost`, {
        headers: { 'X-API-Key': apiKey },
        signal: AbortSignal.timeout(1_000),
      });
      if (res.ok) return ((await res.json()) as { version: string }).version;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`PowerDNS did not answer on ${apiUrl} within 20 s`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Starts pdns_server (installed by scripts/ensure-pdns.sh) and waits for its API. */
export async function startPowerDns(opts: PowerDnsOptions): Promise<PowerDnsServer> {
  const bin = await ensureTool('ensure-pdns.sh');
  if (!existsSync(PDNS_SCHEMA)) throw new Error(`PowerDNS's Postgres schema is missing (${PDNS_SCHEMA})`);
  const databaseUrl = new URL(opts.postgresUrl);
  databaseUrl.pathname = `/${opts.database}`;
  await prepareDatabase(databaseUrl.toString());
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(
    path.join(opts.dataDir, 'pdns.conf'),
    powerDnsConfig({ ...opts, databaseUrl: databaseUrl.toString() }),
    { mode: 0o600 },
  );
  const recent: string[] = [];
  const service = spawnService(
    bin,
    [`--config-dir=${opts.dataDir}`, '--daemon=no', '--guardian=no', '--disable-syslog', '--write-pid=no'],
    {
      killAfterMs: 5_000,
      log: (line) => {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        opts.log?.(line);
      },
    },
  );
  const apiUrl = `http://127.0.0.1:${opts.apiPort}`;
  const exited = () =>
    service.child.exitCode !== null || service.child.signalCode !== null
      ? `pdns_server exited (${service.child.exitCode ?? service.child.signalCode}):\n${recent.join('\n')}`
      : null;
  try {
    const version = await waitForApi(apiUrl, opts.apiKey, Date.now() + 20_000, exited);
    return { apiUrl, dnsPort: opts.dnsPort, version, stop: service.stop };
  } catch (err) {
    await service.stop();
    throw err;
  }
}
