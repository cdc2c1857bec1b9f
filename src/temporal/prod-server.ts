import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../db/knex';
import { spawnService } from '../utils/service-process';
import { ensureTool } from '../utils/tool-scripts';
import { temporalAnswers } from './probe';
import { servicePorts } from './service-ports';
import { ensureSearchAttributes, missingSearchAttributes } from './search-attributes';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * The production engine as it runs here and in docker-compose.yml (a test keeps the two equal):
 * the Temporal server release the dev server embeds, on Postgres through the `postgres12` plugin
 * with SQL visibility, several history shards (fixed when the cluster is created), and the same
 * dynamic config as the dev server.
 */
export const PROD_TEMPORAL = {
  serverVersion: '1.29.1',
  persistencePlugin: 'postgres12',
  historyShards: 8,
  dynamicConfigFile: 'deploy/temporal/dynamic-config.yaml',
} as const;

/** The folder with `temporal-server`, `temporal-sql-tool` and the schema files (built once). */
export function resolveTemporalServerDir(): Promise<string> {
  return ensureTool('ensure-temporal-server.sh', {
    TEMPORAL_SERVER_VERSION: `v${PROD_TEMPORAL.serverVersion}`,
  });
}

export interface ProdServerOptions {
  /** Any URL of the Postgres server that holds Temporal's databases (its database part is ignored). */
  postgresUrl: string;
  /** Temporal's own database and its visibility database (created and migrated when needed). */
  database: string;
  visibilityDatabase: string;
  /** The frontend's gRPC port on 127.0.0.1; the other services take free ports. */
  port: number;
  namespace: string;
  /** History shards; must match what the databases were created with. */
  shards?: number;
  /** Where the generated server configuration is written. */
  dataDir: string;
  /**
   * Connections each service may open to Temporal's database (default 20) and to visibility (half
   * of it): a second server beside another on one Postgres takes fewer (tests).
   */
  maxConns?: number;
  log?: (line: string) => void;
}

export interface ProdServer {
  address: string;
  shards: number;
  stop(): Promise<void>;
  /** SIGKILLs the server (fault tests): its databases stay, and startProdServer on them starts it again. */
  kill(): Promise<void>;
  /** Stops the server and drops both databases (tests). */
  destroy(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the database when missing and brings its Temporal schema to the release's newest version. */
async function migrateSchema(
  serverDir: string,
  url: string,
  schema: 'temporal' | 'visibility',
  log?: (line: string) => void,
): Promise<void> {
  await ensureDatabase(url);
  const u = new URL(url);
  const common = [
    '--plugin',
    PROD_TEMPORAL.persistencePlugin,
    '--endpoint',
    u.hostname,
    '--port',
    u.port || '5432',
    '--user',
    decodeURIComponent(u.username || 'postgres'),
    '--password',
    decodeURIComponent(u.password),
    '--database',
    u.pathname.slice(1),
  ];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let versioned: boolean;
  try {
    const found = await client.query("SELECT to_regclass('public.schema_version') IS NOT NULL AS present");
    versioned = (found.rows[0] as { present: boolean }).present;
  } finally {
    await client.end();
  }
  const tool = path.join(serverDir, 'temporal-sql-tool');
  if (!versioned) {
    // An empty versioning table at 0.0; every schema change then comes from the versioned folder.
    await run(tool, [...common, 'setup-schema', '-v', '0.0']);
    log?.(`${schema}: schema versioning set up`);
  }
  const dir = path.join(serverDir, 'schema', 'postgresql', 'v12', schema, 'versioned');
  const { stdout, stderr } = await run(tool, [...common, 'update-schema', '-d', dir]);
  for (const line of `${stdout}${stderr}`.split('\n')) if (line.trim()) log?.(`${schema}: ${line}`);
}

async function until(
  what: string,
  ms: number,
  test: () => Promise<boolean>,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`temporal-server exited with code ${child.exitCode} (${what})`);
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`temporal-server: ${what} not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts `temporal-server` on Postgres: both schemas set up or migrated, a configuration with
 * `shards` history shards and SQL visibility, the namespace registered and our search attributes
 * added and queryable. It answers once a workflow could be started in the namespace.
 */
export async function startProdServer(opts: ProdServerOptions): Promise<ProdServer> {
  const shards = opts.shards ?? PROD_TEMPORAL.historyShards;
  const serverDir = await resolveTemporalServerDir();
  const main = withDatabase(opts.postgresUrl, opts.database);
  const visibility = withDatabase(opts.postgresUrl, opts.visibilityDatabase);
  await migrateSchema(serverDir, main, 'temporal', opts.log);
  await migrateSchema(serverDir, visibility, 'visibility', opts.log);

  const taken = new Set([opts.port]);
  const ports = await servicePorts(opts.dataDir, taken);
  const [fm, hg, hm, mg, mm, wg, wm, http] = ports;
  const store = (url: string, maxConns: number) => {
    const u = new URL(url);
    return {
      sql: {
        pluginName: PROD_TEMPORAL.persistencePlugin,
        databaseName: u.pathname.slice(1),
        connectAddr: `${u.hostname}:${u.port || '5432'}`,
        connectProtocol: 'tcp',
        user: decodeURIComponent(u.username || 'postgres'),
        password: decodeURIComponent(u.password),
        maxConns,
        maxIdleConns: maxConns,
        maxConnLifetime: '1h',
      },
    };
  };
  const rpc = (grpcPort: number, membershipPort: number, extra: object = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  const address = `127.0.0.1:${opts.port}`;
  // YAML is a superset of JSON: the server reads this file as its configuration.
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: shards,
      datastores: {
        default: store(main, opts.maxConns ?? 20),
        visibility: store(visibility, Math.max(1, Math.floor((opts.maxConns ?? 20) / 2))),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(opts.port, fm!, { httpPort: http }),
      history: rpc(hg!, hm!),
      matching: rpc(mg!, mm!),
      worker: rpc(wg!, wm!),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: address },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: {
      filepath: path.join(repoRoot, PROD_TEMPORAL.dynamicConfigFile),
      pollInterval: '10s',
    },
  };
  const configDir = path.join(opts.dataDir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'prod-local.yaml'), `${JSON.stringify(config, null, 2)}\n`);

  const { child, stop, kill } = spawnService(
    path.join(serverDir, 'temporal-server'),
    ['--root', opts.dataDir, '--config', 'config', '--env', 'prod-local', '--allow-no-auth', 'start'],
    { log: opts.log, killAfterMs: 15_000 },
  );

  try {
    await until(
      'frontend',
      120_000,
      () =>
        temporalAnswers(address, (c) =>
          c.workflowService.describeNamespace({ namespace: 'temporal-system' }),
        ),
      child,
    );
    const connection = await Connection.connect({ address });
    try {
      const { namespace } = opts;
      const registered = await temporalAnswers(address, (c) =>
        c.workflowService.describeNamespace({ namespace }),
      );
      if (!registered)
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs('3 days'),
        });
      await until(
        `namespace ${namespace}`,
        60_000,
        () => temporalAnswers(address, (c) => c.workflowService.describeNamespace({ namespace })),
        child,
      );
      // The operator service reads namespaces from a cache refreshed every few seconds, and SQL
      // visibility takes a few more to accept a query on a new attribute.
      await until(
        'search attributes',
        60_000,
        async () =>
          (await ensureSearchAttributes(connection, namespace).catch(() => null)) !== null &&
          (await missingSearchAttributes(connection, namespace)).length === 0 &&
          (await temporalAnswers(address, (c) =>
            c.workflowService.countWorkflowExecutions({ namespace, query: "OrderStatus = 'probe'" }),
          )),
        child,
      );
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    address,
    shards,
    stop,
    kill,
    async destroy() {
      await stop();
      await dropDatabase(main);
      await dropDatabase(visibility);
    },
  };
}
