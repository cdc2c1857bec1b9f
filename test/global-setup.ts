import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { temporalLogger } from '../src/temporal/runtime';
import { workflowCode } from '../src/temporal/worker';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { createKnex, dropDatabase, ensureDatabase } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { SEARCH_ATTRIBUTES } from '../workflows/contracts';
import { devServerTuningArgs } from '../src/temporal/dev-server';
import { ensureSearchAttributes, missingSearchAttributes } from '../src/temporal/search-attributes';
import { startProdServer } from '../src/temporal/prod-server';
import { freePort } from '../src/utils/ports';
import { startPowerDns } from '../src/hosted-dns/server';
import { recordHistories } from './workflows/record-histories';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One database per slot (test/pool.ts): the files of one fork share it, one at a time. */
    databaseUrls: string[];
    /** One Temporal namespace per slot, `default` first. */
    namespaces: string[];
    /** The workflow code bundled once for the run, for every worker of every file. */
    workflowBundlePath: string;
    temporalAddress: string;
    temporalBin: string;
    /** The run's PowerDNS (the hosted DNS addon): its API, key and DNS port on 127.0.0.1. */
    dnsAddonUrl: string;
    dnsAddonKey: string;
    dnsPort: number;
  }
}

const CONTRACT_CHECKS = path.resolve(__dirname, '..', 'coverage', 'contract-checks.jsonl');

/** How many answers the suites checked against the served OpenAPI document (test/contract.ts). */
function reportContractChecks(): void {
  if (!existsSync(CONTRACT_CHECKS)) return;
  const rows = readFileSync(CONTRACT_CHECKS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { file: string; checked: number });
  const total = rows.reduce((n, r) => n + r.checked, 0);
  console.log(`contract: ${total} API answers checked against /openapi.json in ${rows.length} test files`);
}

const POSTGRES = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The Temporal engine the suites run on: the dev server (the default), or with
 * `TEMPORAL_ENGINE=prod-local` the production engine as `npm run prod:local` runs it
 * (temporal-server on Postgres, several history shards, SQL visibility) in databases of its own.
 */
async function startEngine(
  temporalBin: string,
  port: number,
  databaseUrl: string,
  namespaces: readonly string[],
): Promise<{ stop(): Promise<void> }> {
  if (process.env['TEMPORAL_ENGINE'] === 'prod-local') {
    const suffix = new URL(databaseUrl).pathname.slice(1);
    const server = await startProdServer({
      postgresUrl: databaseUrl,
      database: `${suffix}_temporal`,
      visibilityDatabase: `${suffix}_temporal_vis`,
      port,
      namespace: 'default',
      dataDir: mkdtempSync(path.join(tmpdir(), 'temporal-server-')),
    });
    console.log(`engine: temporal-server on Postgres, ${server.shards} history shards, at ${server.address}`);
    await registerNamespaces(server.address, namespaces.slice(1));
    return { stop: () => server.destroy() };
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBin },
      ip: '127.0.0.1',
      port,
      searchAttributes: [...SEARCH_ATTRIBUTES],
      // The slots' namespaces, each with the search attributes above.
      extraArgs: [...devServerTuningArgs(), ...namespaces.slice(1).flatMap((n) => ['--namespace', n])],
    },
  });
  return { stop: () => env.teardown() };
}

/** Namespaces beyond `default` on temporal-server, with our search attributes. */
async function registerNamespaces(address: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const connection = await Connection.connect({ address });
  try {
    for (const namespace of names) {
      await connection.workflowService
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') })
        .catch((err: unknown) => {
          if (!/already exists/i.test(String(err))) throw err;
        });
      for (let attempt = 0; ; attempt += 1) {
        try {
          // A namespace just registered takes a moment to be known to every service.
          await ensureSearchAttributes(connection, namespace);
          if ((await missingSearchAttributes(connection, namespace)).length === 0) break;
        } catch (err) {
          if (attempt >= 60) throw err;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * Once per run: a uniquely named database on the local Postgres (migrated, dropped at the end)
 * and a real Temporal dev server from the project's pinned CLI build, with our search attributes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const temporalBin = execFileSync('bash', [path.resolve(__dirname, '..', 'scripts', 'ensure-temporal.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;

  const url = new URL(POSTGRES);
  url.pathname = `/dr_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const db = createKnex(databaseUrl, { max: 1 });
  await migrateLatest(db);
  await upsertPrices(db, DEMO_CATALOG);
  await db.destroy();
  // The first slot's database is this one; the others are copies of it (migrated, catalog loaded).
  const slots = Math.max(1, project.config.maxWorkers);
  const databaseUrls = [databaseUrl];
  const admin = createKnex(POSTGRES, { max: 1 });
  try {
    for (let slot = 2; slot <= slots; slot += 1) {
      const copy = `${url.pathname.slice(1)}_s${slot}`;
      await admin.raw(`CREATE DATABASE ${copy} TEMPLATE ${url.pathname.slice(1)}`);
      const u = new URL(databaseUrl);
      u.pathname = `/${copy}`;
      databaseUrls.push(u.toString());
    }
  } finally {
    await admin.destroy();
  }
  const namespaces = ['default', ...Array.from({ length: slots - 1 }, (_, i) => `slot-${i + 2}`)];

  const port = await freePort();
  const engine = await startEngine(temporalBin, port, databaseUrl, namespaces);
  const dnsKey = randomBytes(12).toString('hex');
  const pdns = await startPowerDns({
    postgresUrl: databaseUrl,
    database: `${new URL(databaseUrl).pathname.slice(1)}_pdns`,
    dnsPort: await freePort(),
    apiPort: await freePort(),
    apiKey: dnsKey,
    dataDir: mkdtempSync(path.join(tmpdir(), 'pdns-')),
  });
  console.log(`dns: PowerDNS ${pdns.version} at ${pdns.apiUrl}, DNS on 127.0.0.1:${pdns.dnsPort}`);

  // The workflow code, bundled once (seconds of CPU each time) for every worker the files start.
  const bundleDir = mkdtempSync(path.join(tmpdir(), 'dr-bundle-'));
  const workflowBundlePath = path.join(bundleDir, 'workflows.js');
  const { code } = await bundleWorkflowCode({
    ...workflowCode,
    logger: temporalLogger(pino({ level: 'silent' })),
  });
  writeFileSync(workflowBundlePath, code);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('databaseUrls', databaseUrls);
  project.provide('namespaces', namespaces);
  project.provide('temporalAddress', `127.0.0.1:${port}`);
  project.provide('temporalBin', temporalBin);
  project.provide('dnsAddonUrl', pdns.apiUrl);
  project.provide('dnsAddonKey', dnsKey);
  project.provide('dnsPort', pdns.dnsPort);

  rmSync(CONTRACT_CHECKS, { force: true });
  return async () => {
    // `RECORD_HISTORIES=DIR`: the runs of this test run, one per distinct path, for the replay test.
    const recordTo = process.env['RECORD_HISTORIES'];
    if (recordTo) {
      try {
        const recorded = await recordHistories({
          address: `127.0.0.1:${port}`,
          temporalBin,
          dir: path.resolve(recordTo),
          source: process.env['RECORD_HISTORIES_SOURCE'] ?? 'HEAD',
          namespaces,
        });
        console.log(`histories: ${recorded.length} recorded into ${recordTo}`);
      } catch (err) {
        console.error('histories: recording failed', err);
      }
    }
    await engine.stop();
    await pdns.stop();
    for (const slotUrl of databaseUrls.slice(1)) await dropDatabase(slotUrl);
    await dropDatabase(databaseUrl);
    await dropDatabase(`${databaseUrl}_pdns`);
    rmSync(bundleDir, { recursive: true, force: true });
    reportContractChecks();
  };
}
