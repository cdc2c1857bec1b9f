/**
 * Work that cannot starve other work (figures printed; nothing asserted):
 *   orders at concurrency 5 (request → completed order), and a burst of deliveries to a healthy
 *   endpoint, first with no webhook backlog and then with 5,000 deliveries pending to a receiver
 *   that answers in 5 s (503) or not at all; prints order p50/p99 in both cases and their ratio
 *   (target ≤ 1.2×), the healthy endpoint's deliveries per second in both, and what the dead
 *   receiver holds (started deliveries, requests it got). The case without the backlog is measured
 *   before it and again after it is given up; the ratio is to the mean of the two.
 *
 * Run: npm run bench:webhooks -- [--orders 200] [--backlog 5000] [--burst 500]
 * Needs the local Postgres (127.0.0.1:5432); starts its own Temporal, worker and API (compiled,
 * one worker polling all three queues, as `npm run dev` runs it).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createKnex, dropDatabase, ensureDatabase, type Knex } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { RegistrarSimulator } from '../simulators/registrar/server';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { creditWallet } from '../src/services/ledger';
import { createReseller } from '../src/services/resellers';
import { orderToCompletion, pct, type Processes, ROOT, startEngine, startProcesses } from './stack';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    backlog: { type: 'string', default: '5000' },
    burst: { type: 'string', default: '500' },
  },
});
const ORDERS = Number(values.orders);
const BACKLOG = Number(values.backlog);
const BURST = Number(values.burst);
const CONCURRENCY = 5;
const MAX_IN_FLIGHT = 10;

/** A receiver on loopback: `answer` decides each request (a status after a delay, or never). */
async function receiver(answer: () => { status: number; afterMs: number } | null) {
  const got = new Set<string>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      const a = answer();
      if (!a) return; // never answered: the attempt ends at the webhook timeout
      setTimeout(() => {
        if (a.status < 300) got.add((JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id);
        res.writeHead(a.status).end();
      }, a.afterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    got,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const expiring = (resellerId: number) => ({
  id: randomUUID(),
  resellerId,
  type: 'domain.expiring',
  payload: {
    domain_id: 1,
    domain_name: `bench-${randomBytes(6).toString('hex')}.com`,
    expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    threshold_days: 7,
    days_left: 7,
    auto_renew: false,
  },
});

async function insertEvents(db: Knex, resellerId: number, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - i) }, () => expiring(resellerId));
    await db('events').insert(rows);
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let seq = 0;

/** `ORDERS` wallet orders from 5 clients, each its own reseller: request → completed, in ms. */
async function runOrders(db: Knex, procs: Processes, apiKeys: string[]): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    apiKeys.map(async (apiKey) => {
      while (next < ORDERS) {
        next += 1;
        seq += 1;
        const domain = `bench-wh-${Date.now().toString(36)}-${seq}.com`;
        const r = await orderToCompletion(db, procs.base, apiKey, domain);
        if (r.status !== 201 && r.status !== 202) throw new Error(`order answered ${r.status}`);
        latencies.push(r.ms);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

/** `BURST` events for the healthy endpoint's reseller: deliveries per second until all arrived. */
async function burst(db: Knex, resellerId: number, healthy: Awaited<ReturnType<typeof receiver>>) {
  const t0 = performance.now();
  const ids = await insertEvents(db, resellerId, BURST);
  await until(() => ids.every((id) => healthy.got.has(id)), 300_000, 'the healthy burst');
  return BURST / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const url = `postgres://postgres@127.0.0.1:5432/dr_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  const db = createKnex(url, { max: 10 });
  await migrateLatest(db);
  await upsertPrices(db, DEMO_CATALOG);
  const sim = new RegistrarSimulator({ apiKey: 'bench', accountLevel: 'bulk', rateWindowMs: 100 });
  await sim.start();
  const healthy = await receiver(() => ({ status: 200, afterMs: 0 }));
  // Answers in 5 s (503) or not at all.
  let flip = 0;
  const dead = await receiver(() => ((flip += 1) % 2 === 0 ? { status: 503, afterMs: 5_000 } : null));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const engine = await startEngine('dev', url);
  try {
    const procs = await startProcesses(engine, url, sim.apiUrl, {
      env: {
        WEBHOOK_ENDPOINT_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
        WEBHOOK_TIMEOUT_MS: '10000',
      },
    });
    try {
      const reseller = async (name: string, hook: string) => {
        const created = await createReseller(db, {
          name,
          email: `${name.replace(/\W/g, '-')}-${Date.now()}@x.test`,
          currency: 'USD',
          ipAllowlist: ['127.0.0.1'],
        });
        await creditWallet(db, {
          resellerId: created.reseller.id,
          currency: 'USD',
          amount: 10n ** 12n,
          kind: 'topup',
          reference: `bench-${name}`,
        });
        const res = await fetch(`${procs.base}/api/reseller/v1/webhooks`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${created.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ url: hook }),
        });
        if (res.status !== 201) throw new Error(`webhook endpoint answered ${res.status}`);
        return created;
      };
      // The order clients' events go to the healthy receiver too, as in real traffic.
      const clients = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => reseller(`Orders ${i}`, healthy.url)),
      );
      const apiKeys = clients.map((c) => c.apiKey);
      const steady = await reseller('Healthy receiver', healthy.url);
      const slow = await reseller('Dead receiver', dead.url);

      await runOrders(db, procs, apiKeys.slice(0, 1)); // warm-up
      const before = await runOrders(db, procs, apiKeys);
      const rateBefore = await burst(db, steady.reseller.id, healthy);

      const t0 = performance.now();
      await insertEvents(db, slow.reseller.id, BACKLOG);
      const deadEndpoint = (
        (await db('webhookEndpoints').where({ resellerId: slow.reseller.id }).first('id')) as { id: number }
      ).id;
      const pendingAt = async () =>
        (await db('webhookJobs')
          .where({ endpointId: deadEndpoint, status: 'pending' })
          .select(
            db.raw('count(*)::int AS pending'),
            db.raw('(count(*) FILTER (WHERE started_at IS NOT NULL))::int AS started'),
          )
          .first()) as { pending: number; started: number };
      await until(async () => (await pendingAt()).pending === BACKLOG, 120_000, 'the backlog fan-out');
      const fannedOut = performance.now() - t0;
      // 10,000 rows just written: let autovacuum's analyze of them pass before measuring.
      await db.raw('ANALYZE events, webhook_jobs');
      await new Promise((r) => setTimeout(r, 5_000));

      const during = await runOrders(db, procs, apiKeys);
      const rateDuring = await burst(db, steady.reseller.id, healthy);
      const held = await pendingAt();

      // The machine's speed drifts within a run: the backlog is given up (its started deliveries
      // terminated, every job failed) and the case without it measured again after.
      const temporal = new Client({ connection: await Connection.connect({ address: engine.address }) });
      const started = (await db('webhookJobs')
        .where({ endpointId: deadEndpoint, status: 'pending' })
        .whereNotNull('startedAt')
        .select('id', 'run')) as Array<{ id: string; run: number }>;
      await Promise.all(
        started.map((j) =>
          temporal.workflow.getHandle(`webhook:${j.id}:${j.run}`).terminate('bench: the backlog is given up'),
        ),
      );
      await temporal.connection.close();
      await db('webhookJobs')
        .where({ endpointId: deadEndpoint, status: 'pending' })
        .update({ status: 'failed' });
      const after = await runOrders(db, procs, apiKeys);
      const rateAfter = await burst(db, steady.reseller.id, healthy);

      console.log(
        `\nwebhook backlog and orders (orders at concurrency ${CONCURRENCY}, ${ORDERS} per case; one worker polling provisioning, webhooks and default; WEBHOOK_ENDPOINT_MAX_IN_FLIGHT=${MAX_IN_FLIGHT})`,
      );
      console.log(
        '  case                                          order p50 ms  order p99 ms  healthy endpoint deliveries/s',
      );
      const row = (label: string, l: number[], rate: number) =>
        console.log(
          `  ${label.padEnd(45)} ${pct(l, 50).toFixed(0).padStart(12)}  ${pct(l, 99).toFixed(0).padStart(12)}  ${rate.toFixed(0).padStart(29)}`,
        );
      row('no backlog', before, rateBefore);
      row(`${BACKLOG} deliveries pending to a dead receiver`, during, rateDuring);
      row('no backlog again (the backlog given up)', after, rateAfter);
      const without = (p: number) => (pct(before, p) + pct(after, p)) / 2;
      const p50 = pct(during, 50) / without(50);
      const p99 = pct(during, 99) / without(99);
      console.log(
        `  ratio with / without (the mean of both cases without): p50 ${p50.toFixed(2)}x, p99 ${p99.toFixed(2)}x (target <= 1.2x: ${Math.max(p50, p99) <= 1.2 ? 'met' : 'NOT met'}); healthy deliveries/s ${(rateDuring / ((rateBefore + rateAfter) / 2)).toFixed(2)}x`,
      );
      console.log(
        `  the dead receiver: ${held.pending} pending, ${held.started} started (the limit), ${dead.requests()} requests received; backlog fanned out in ${(fannedOut / 1000).toFixed(1)} s`,
      );
    } finally {
      await procs.stop();
    }
  } finally {
    await engine.stop();
    await healthy.close();
    await dead.close();
    await sim.close();
    await db.destroy();
    await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
