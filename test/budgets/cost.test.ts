import { randomBytes } from 'node:crypto';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { DEMO_CATALOG, upsertPrices } from '../../src/services/catalog';
import { emitEvent } from '../../src/webhooks/events';
import { relayPending } from '../../src/webhooks/relay';
import type { expiryRemindersWorkflow } from '../../workflows';
import { dnsZoneWorkflowId, domainReconcileWorkflowId } from '../../workflows/contracts';
import { HARNESS_WEBHOOKS, useOrderHarness } from '../harness';
import { call, makeReseller, request, type TestReseller } from '../helpers';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { receiver, type Receiver } from '../receiver';
import { placeInvoiceOrder } from '../scenarios';
import {
  apiTemporalCalls,
  COUNTERS,
  type Counter,
  type Counts,
  countStatements,
  overBudget,
  readBudgets,
  runCost,
} from './meter';
import { poolDatabaseUrl } from '../pool';

/*
 * Cost budgets: what one unit of each kind of work costs, counted, against the table in
 * docs/performance.md. The file has a database of its own (so an expiry scan reads only what it
 * seeded), the API and the worker their own connection pools on it (their statements counted
 * apart from the test's), and no relay of its own: the relay's work for a unit is one
 * `relayPending` pass after the unit's runs ended (and another after its deliveries), so the
 * count does not depend on how many idle polls fell inside the unit.
 */

const url = new URL(poolDatabaseUrl());
url.pathname = `/dr_budget_${process.pid}_${randomBytes(3).toString('hex')}`;
const budgetDb = url.toString();
const meters: { api?: ReturnType<typeof countStatements>; worker?: ReturnType<typeof countStatements> } = {};
/** The worker process's pool (the relay runs in the worker process). */
let workerPool: Knex;

afterAll(async () => {
  // Registered before the harness: it runs after the harness closed its pools.
  await dropDatabase(budgetDb);
});

/*
 * Queues of this file's own: a run another file of the slot left in the namespace (an expiry
 * page, a delivery retrying) is never taken by this file's worker, its statements never counted
 * as a unit's (fresh-clone CI once counted an expiry page into a wallet order's worker SQL).
 */
const QUEUES = {
  provisioning: `budget-provisioning-${process.pid}`,
  webhooks: `budget-webhooks-${process.pid}`,
  default: `budget-default-${process.pid}`,
};
const QUEUE_ENV = {
  TEMPORAL_QUEUE_PROVISIONING: QUEUES.provisioning,
  TEMPORAL_QUEUE_WEBHOOKS: QUEUES.webhooks,
  TEMPORAL_QUEUE_DEFAULT: QUEUES.default,
};
const WEBHOOKS = { ...HARNESS_WEBHOOKS, taskQueue: QUEUES.webhooks };

const h = useOrderHarness({
  relay: false,
  workerEnv: () => Promise.resolve(QUEUE_ENV),
  // A credential stays cached for the whole file: a slow machine (or files side by side) must
  // not turn an expired cache into one more statement of a unit.
  apiEnv: { CREDENTIAL_CACHE_MS: '600000', ...QUEUE_ENV },
  databases: async () => {
    await ensureDatabase(budgetDb);
    const setup = createKnex(budgetDb, { max: 1 });
    await migrateLatest(setup);
    await upsertPrices(setup, DEMO_CATALOG);
    // Workflow IDs come from row IDs (a zone's from its domain's, a delivery's from its job's) and
    // the Temporal server is the run's: this database's rows start far above the shared one's.
    const sequences = (await setup.raw(
      "SELECT sequence_schema || '.' || sequence_name AS name FROM information_schema.sequences",
    )) as { rows: Array<{ name: string }> };
    for (const { name } of sequences.rows) await setup.raw(`ALTER SEQUENCE ${name} RESTART WITH 900000000`);
    await setup.destroy();
    const api = createKnex(budgetDb, { max: 5 });
    const worker = createKnex(budgetDb, { max: 5 });
    meters.api = countStatements(api);
    meters.worker = countStatements(worker);
    workerPool = worker;
    return { test: createKnex(budgetDb, { max: 5 }), api, worker };
  },
});

let r: TestReseller;
let hooks: Receiver;
let subscribed: TestReseller;
const measured = new Map<string, Counts>();
/** The registrar commands of each unit, printed beside the table (what a budget's calls are). */
const commands = new Map<string, Record<string, number>>();
/** The statements of each unit, printed for a kind whose SQL is over its budget. */
const statements = new Map<string, { worker: string[]; api: string[] }>();

beforeAll(async () => {
  r = await makeReseller(h.db);
  await topUp(h.db, r.id, 10_000_000n);
  hooks = await receiver(() => 200);
  subscribed = await makeReseller(h.db);
  const hook = await request(h.api.url, '/api/reseller/v1/webhooks', {
    token: subscribed.token,
    body: { url: hooks.url },
  });
  expect(hook.status).toBe(201);
  // The API's first requests warm its caches (credentials, prices): not any unit's cost.
  await unitOf('warm-up', async () => {
    const domain = await walletRegister();
    await completed(domain, 'register');
    return [await followUpOf(domain)];
  });
});

afterAll(async () => {
  await hooks.close();
});

const registrarCalls = () => [...h.sim.calls.values()].reduce((a, b) => a + b, 0);

/** Runs started since `t0`, as visibility lists them. */
async function runsSince(t0: number): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  const query = `StartTime >= "${new Date(t0).toISOString()}"`;
  for await (const wf of h.temporal.workflow.list({ query })) runs.push(wf);
  return runs;
}

/**
 * Waits until visibility lists at least `atLeast` runs started since `t0`, every one closed, and
 * the same set twice running.
 */
async function quiet(t0: number, atLeast = 0): Promise<WorkflowExecutionInfo[]> {
  let last = '';
  return eventually(async () => {
    const runs = await runsSince(t0);
    if (runs.length < atLeast || runs.some((w) => w.status.name === 'RUNNING')) return null;
    const seen = runs
      .map((w) => w.runId)
      .sort()
      .join();
    if (seen !== last) {
      last = seen;
      await new Promise((res) => setTimeout(res, 300));
      return null;
    }
    return runs;
  }, 60_000);
}

/**
 * One unit's cost: everything from `unit`'s first request until every run it started has ended
 * and the relay has dispatched its events (and admitted their deliveries, once those ended too).
 * `entities` are long-lived runs (a zone's) whose events after the start count as well.
 */
async function unitOf(
  kind: string,
  /** Answers the IDs of runs it starts that visibility may list late (a follow-up): waited for closed. */
  unit: () => Promise<string[] | void>,
  entities: string[] = [],
): Promise<Counts> {
  // What came before (a setup's events, log rows) is not this unit's.
  await relayPending(workerPool, h.temporal, WEBHOOKS);
  await h.api.flushLogs();
  const t0 = Date.now();
  const start = {
    api: meters.api!.count(),
    worker: meters.worker!.count(),
    temporal: apiTemporalCalls(),
    registrar: registrarCalls(),
    calls: new Map(h.sim.calls),
    hooks: hooks.got.length,
  };
  const started = (await unit()) ?? [];
  await eventually(async () => {
    const states = await Promise.all(
      started.map((id) =>
        h.temporal.workflow
          .getHandle(id)
          .describe()
          .then(
            (d) => d.status.name,
            () => 'NOT_FOUND',
          ),
      ),
    );
    return states.every((s) => s !== 'RUNNING' && s !== 'NOT_FOUND');
  }, 60_000);
  let runs = await quiet(t0, started.length);
  // The relay's passes: the unit's events into delivery jobs, their deliveries admitted, until
  // a pass starts none (the deliveries it started waited for, however late visibility lists them).
  for (;;) {
    const { admitted } = await relayPending(workerPool, h.temporal, WEBHOOKS);
    if (admitted === 0) break;
    runs = await quiet(t0, runs.length + admitted);
  }
  await h.api.flushLogs();
  const counts: Counts = {
    workflowTasks: 0,
    historyEvents: 0,
    activities: 0,
    localActivities: 0,
    apiTemporalCalls: apiTemporalCalls() - start.temporal,
    apiSql: meters.api!.count() - start.api,
    workerSql: meters.worker!.count() - start.worker,
    registrarCalls: registrarCalls() - start.registrar,
    webhookRequests: hooks.got.length - start.hooks,
  };
  const temporalOf = [
    ...runs.map((w) => runCost(h.temporal, w.workflowId, w.runId, 0)),
    ...entities.map((id) => runCost(h.temporal, id, undefined, t0)),
  ];
  for (const cost of await Promise.all(temporalOf))
    for (const [key, n] of Object.entries(cost)) counts[key as Counter] += n;
  measured.set(kind, counts);
  statements.set(kind, {
    worker: meters.worker!.since(start.worker),
    api: meters.api!.since(start.api),
  });
  commands.set(
    kind,
    Object.fromEntries(
      [...h.sim.calls].map(([c, n]) => [c, n - (start.calls.get(c) ?? 0)] as const).filter(([, n]) => n > 0),
    ),
  );
  return counts;
}

async function walletRegister() {
  const domain = uniqueName('budget');
  const res = await request(h.api.url, '/api/v1/domains/register', {
    apiKey: r.apiKey,
    key: `budget-${domain}`,
    body: { domain_name: domain, registrant: SEED_CONTACT },
  });
  expect(res.status, res.text).toBe(201);
  return domain;
}

const completed = (domain: string, action: string) =>
  eventually(
    async () =>
      (await h.db('orders').where({ domainName: domain, action, status: 'completed' }).first()) as unknown,
    30_000,
  );

/** A registration's follow-up at the registrar (started by its order, ended REGISTER_LAG later). */
const followUpOf = async (domain: string) => {
  const row = (await h.db('domains').where({ name: domain }).first('id')) as { id: number };
  return domainReconcileWorkflowId(row.id);
};

/** A domain we hold for `reseller`, at the registrar too. */
async function heldDomain(reseller: TestReseller, prefix: string, expiresAt: Date) {
  const name = uniqueName(prefix);
  h.sim.seedDomain(name, expiresAt, { nameservers: ['ns1.registrar.test', 'ns2.registrar.test'] });
  const [row] = (await h
    .db('domains')
    .insert({
      resellerId: reseller.id,
      name,
      expiresAt,
      status: 'active',
      nameservers: ['ns1.registrar.test', 'ns2.registrar.test'],
    })
    .returning('id')) as Array<{ id: number }>;
  return { name, id: row!.id };
}

const inAYear = () => new Date(Date.now() + 365 * 86_400_000);

describe('what one unit of work costs, against the budget table in docs/performance.md', () => {
  it('a wallet register', async () => {
    await unitOf('wallet register', async () => {
      const domain = await walletRegister();
      await completed(domain, 'register');
      return [await followUpOf(domain)];
    });
  });

  it('an invoice register paid by a gateway callback', async () => {
    await unitOf('invoice register paid by a gateway callback', async () => {
      const domain = uniqueName('budgetinv');
      const order = await placeInvoiceOrder(h, r.token, domain, 'xendit');
      // Each request's log row in its own insert, however close the two requests came.
      await h.api.flushLogs();
      expect(await h.gw.pay(order.attemptRef)).toEqual([200]);
      await completed(domain, 'register');
      return [await followUpOf(domain)];
    });
  });

  it('a renewal', async () => {
    const d = await heldDomain(r, 'budgetrenew', inAYear());
    await unitOf('renew', async () => {
      const res = await call(`${h.api.url}/api/v1/domains/${d.name}/renew`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json', 'Idempotency-Key': d.name },
        body: JSON.stringify({ period: 1 }),
      });
      expect(res.status, res.text).toBe(201);
      await completed(d.name, 'renew');
    });
  });

  it('a transfer, to completion', async () => {
    const domain = uniqueName('takenbudget');
    await unitOf('transfer to completion', async () => {
      const res = await call(`${h.api.url}/api/v1/domains/${domain}/transfer`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json', 'Idempotency-Key': domain },
        body: JSON.stringify({ auth_code: 'CODE-1' }),
      });
      expect([201, 202], res.text).toContain(res.status);
      await completed(domain, 'transfer');
    });
  });

  it('one DNS edit on a hosted zone', async () => {
    const d = await heldDomain(r, 'budgetdns', inAYear());
    const api = (method: string, p: string, body: unknown) =>
      call(`${h.api.url}/api/v1/domains/${d.name}${p}`, {
        method,
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await api('POST', '/dns/provision', { confirm: true })).status).toBe(200);
    await unitOf(
      'DNS edit on a hosted zone',
      async () => {
        const res = await api('POST', '/dns/records', { type: 'A', name: 'www', value: '203.0.113.10' });
        expect(res.status, res.text).toBe(201);
      },
      [dnsZoneWorkflowId(d.id)],
    );
  });

  it('one webhook delivery', async () => {
    const d = await heldDomain(subscribed, 'budgethook', inAYear());
    await unitOf('webhook delivery', async () => {
      await emitEvent(h.db, subscribed.id, 'domain.expiring', {
        domain_id: d.id,
        domain_name: d.name,
        expires_at: new Date().toISOString(),
        threshold_days: 30,
        days_left: 30,
        auto_renew: false,
      });
    });
    expect(hooks.got.at(-1)?.status).toBe(200);
  });

  it('one expiry-scan page', async () => {
    // Three domains inside the 7-day threshold, nothing else in this database near its expiry.
    const soon = new Date(Date.now() + 5 * 86_400_000);
    for (let i = 0; i < 3; i++) await heldDomain(r, 'budgetexpiry', soon);
    await unitOf('expiry-scan page', async () => {
      const result = await h.temporal.workflow.execute<typeof expiryRemindersWorkflow>(
        'expiryRemindersWorkflow',
        {
          taskQueue: QUEUES.default,
          workflowId: `budget-expiry-${Date.now()}`,
          args: [
            {
              thresholdsDays: [30, 7, 1],
              autoRenewDays: 7,
              orderTaskQueue: QUEUES.provisioning,
            },
          ],
        },
      );
      expect(result.reminded).toBe(3);
    });
  });

  it('costs no more than its budget, for every kind', () => {
    const budgets = readBudgets();
    const lines = [...measured]
      .filter(([kind]) => kind !== 'warm-up')
      .map(
        ([kind, c]) => `| ${kind} | ${(Object.keys(COUNTERS) as Counter[]).map((k) => c[k]).join(' | ')} |`,
      );
    console.log(`measured:\n| kind | ${Object.values(COUNTERS).join(' | ')} |\n${lines.join('\n')}`);
    console.log(`registrar commands: ${JSON.stringify(Object.fromEntries(commands))}`);
    const over = [...measured]
      .filter(([kind]) => kind !== 'warm-up')
      .flatMap(([kind, c]) => overBudget(kind, budgets.get(kind), c));
    for (const line of over.filter((l) => l.includes(' SQL over budget'))) {
      const kind = line.slice(0, line.indexOf(':'));
      const sql = statements.get(kind)!;
      console.log(
        `${kind}, worker statements:\n${sql.worker.join('\n')}\napi statements:\n${sql.api.join('\n')}`,
      );
    }
    expect(over, over.join('\n')).toEqual([]);
  });
});
