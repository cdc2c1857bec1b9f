/**
 * Benchmarks for the orders core (figures printed; nothing asserted):
 *   1. bulk search of 100 names with the registrar simulator at 200 ms latency
 *      (client alone, and through the API), as wall time / simulated latency;
 *   2. wallet orders end to end (API → Temporal → worker → simulator → Postgres) at increasing
 *      concurrency: orders/s and p50/p99 from request to completed order.
 *
 * Run: npm run bench -- [--orders 60] [--concurrency 1,5,20]
 * Needs the local Postgres (127.0.0.1:5432); starts its own Temporal dev server, worker and API.
 */
import { buildActivityDeps } from '../src/activity-deps';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../src/api/app';
import { loadConfig } from '../src/config';
import { createKnex, dropDatabase, ensureDatabase } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { DynadotRegistrar } from '../src/registrar/dynadot/client';
import { RegistrarSimulator } from '../src/registrar/simulator/server';
import { createGateways } from '../src/payments';
import { SecretBox } from '../src/secrets';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { creditWallet } from '../src/services/ledger';
import { createReseller } from '../src/services/resellers';
import { createTemporalClient } from '../src/temporal/client';
import { installRuntime, temporalLogger } from '../src/temporal/runtime';
import { createWorker, workflowsPath } from '../src/temporal/worker';
import { SEARCH_ATTRIBUTES } from '../workflows/contracts';

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '60' }, concurrency: { type: 'string', default: '1,5,20' } },
});
const ORDERS = Number(values.orders);
const LEVELS = values.concurrency.split(',').map(Number);

const log = pino({ level: 'silent' });
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const bin = execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'ensure-temporal.sh')], {
    encoding: 'utf8',
  }).trim();
  const url = `postgres://postgres@127.0.0.1:5432/dr_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  const db = createKnex(url, { max: 20 });
  await migrateLatest(db);
  await upsertPrices(db, DEMO_CATALOG);
  installRuntime(log);
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: bin }, searchAttributes: [...SEARCH_ATTRIBUTES] },
  });
  const address = env.connection.options.address;
  const sim = new RegistrarSimulator({ apiKey: 'bench' });
  await sim.start();
  const registrar = new DynadotRegistrar({
    baseUrl: sim.apiUrl,
    apiKey: 'bench',
    maxConcurrent: 5,
    timeoutMs: 10_000,
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: address,
    RATE_LIMIT_POINTS: '1000000',
  });
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: temporalLogger(log) }),
    deps: buildActivityDeps(config, db, log, { registrar }),
  });
  const running = worker.run();
  const temporal = createTemporalClient(address, 'default');
  const app = createApp({
    config,
    db,
    temporal,
    log,
    registrar,
    secrets: new SecretBox(config.SECRETS_KEY),
    gateways: createGateways(config),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;

  try {
    const reseller = await createReseller(db, {
      name: 'Bench',
      email: `bench-${Date.now()}@x.test`,
      currency: 'USD',
      ipAllowlist: ['127.0.0.1'],
    });
    await creditWallet(db, {
      resellerId: reseller.reseller.id,
      currency: 'USD',
      amount: 10n ** 12n,
      kind: 'topup',
      reference: 'bench',
    });

    // 1. Bulk search at 200 ms simulated latency.
    sim.setFaults({ latencyMs: 200 });
    const names = Array.from({ length: 100 }, (_, i) => `bench-search-${i}.com`);
    let t = performance.now();
    await registrar.search(names, 'USD');
    const clientMs = performance.now() - t;
    t = performance.now();
    const res = await fetch(`${base}/api/reseller/v1/domains/search`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${reseller.token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: names.map((n) => `domains[]=${n}`).join('&'),
    });
    await res.text();
    const apiMs = performance.now() - t;
    console.log('bulk search, 100 names, simulator latency 200 ms');
    console.log(
      `  client: ${clientMs.toFixed(0)} ms wall = ${(clientMs / 200).toFixed(2)} x latency (one bulk call)`,
    );
    console.log(
      `  API:    ${apiMs.toFixed(0)} ms wall = ${(apiMs / 200).toFixed(2)} x latency (HTTP ${res.status})`,
    );
    sim.setFaults({ latencyMs: 0 });

    // 2. Wallet orders end to end.
    console.log(
      `\nwallet orders end to end (${ORDERS} per level; register via POST /api/v1/domains/register)`,
    );
    console.log('  concurrency  orders/s  p50 ms  p99 ms  status counts');
    let seq = 0;
    for (const level of LEVELS) {
      const latencies: number[] = [];
      const statuses: Record<number, number> = {};
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: level }, async () => {
          while (next < ORDERS) {
            next += 1;
            seq += 1;
            const domain = `bench-${Date.now().toString(36)}-${seq}.com`;
            const t0 = performance.now();
            const r = await fetch(`${base}/api/v1/domains/register`, {
              method: 'POST',
              headers: { 'X-API-KEY': reseller.apiKey, 'Content-Type': 'application/json' },
              body: JSON.stringify({
                domain_name: domain,
                registrant: {
                  name: 'B',
                  address1: 'a',
                  city: 'c',
                  postcode: '1',
                  country: 'TZ',
                  phone: '+255.754123456',
                  email: 'b@x.test',
                },
              }),
            });
            await r.text();
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            // Accept → completed: poll the order when the API answered before completion.
            for (;;) {
              const row = (await db('orders').where({ domainName: domain }).first('status')) as
                { status: string } | undefined;
              if (row && !['pending', 'processing', 'awaiting_payment'].includes(row.status)) break;
              await new Promise((s) => setTimeout(s, 20));
            }
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const wall = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      console.log(
        `  ${String(level).padStart(11)}  ${(latencies.length / wall).toFixed(1).padStart(8)}  ${pct(latencies, 50).toFixed(0).padStart(6)}  ${pct(latencies, 99).toFixed(0).padStart(6)}  ${JSON.stringify(statuses)}`,
      );
    }
  } finally {
    server.close();
    await app.apiLogs.close();
    worker.shutdown();
    await running;
    await connection.close();
    await temporal.connection.close();
    await env.teardown();
    await sim.close();
    await db.destroy();
    await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
