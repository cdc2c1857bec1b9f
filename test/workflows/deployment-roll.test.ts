import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeDeployment, setCurrentVersion } from '../../src/temporal/deployments';
import { freePort } from '../../src/utils/ports';
import { call, makeReseller, testDataConverter } from '../helpers';
import { killGroup } from '../cli-helpers';
import { spawnAgainst, useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

/*
 * A new worker build rolled out while orders run, as production does it (Worker Deployment
 * Versioning): worker processes of build 1 serve a deployment; orders start (some waiting for an
 * invoice to be paid, some transfers polling the registrar, a DNS zone open); build 2's workers
 * start and are made the current version; orders go on being placed through the roll; the
 * invoices are paid after it. Every order completes, no run fails, the waiting orders
 * (AUTO_UPGRADE) moved to build 2, the DNS zone (PINNED) stayed on build 1 and build 1 drains.
 *
 * In a namespace of its own: a task queue that has been versioned stays versioned, and the other
 * test files' unversioned workers share the default namespace's queues.
 */

const h = useOrderHarness({ inProcessWorker: false, relay: false });
const NAMESPACE = `roll-${randomBytes(3).toString('hex')}`;
const DEPLOYMENT = 'domain-reseller';
const children = new Set<ChildProcess>();
let connection: Connection;
let client: Client;

const env = (extra: Record<string, string> = {}) => ({
  TEMPORAL_NAMESPACE: NAMESPACE,
  WORKER_DEPLOYMENT_NAME: DEPLOYMENT,
  TRANSFER_POLL_SECONDS: '1',
  // The test's own load: not the per-credential limit's business.
  RATE_LIMIT_POINTS: '100000',
  ...extra,
});

function spawn(command: 'api' | 'worker', extra: Record<string, string>): ChildProcess {
  const child = spawnAgainst(h, command, env(extra));
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (process.env['DEBUG_LOG']) console.log(`${command} exited`, code, signal);
  });
  return child;
}

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.workflowService.registerNamespace({
    namespace: NAMESPACE,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  client = new Client({ connection, namespace: NAMESPACE, dataConverter: testDataConverter() });
  await eventually(
    () =>
      connection.workflowService.describeNamespace({ namespace: NAMESPACE }).then(
        () => true,
        () => null,
      ),
    30_000,
  );
});

afterAll(async () => {
  for (const c of children) killGroup(c, 'SIGKILL');
  await connection?.close();
});

const bearer = (token: string, body: Record<string, string>, key: string) => ({
  method: 'POST',
  headers: {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'Idempotency-Key': key,
  },
  body: new URLSearchParams(body).toString(),
});

const versionOf = async (workflowId: string): Promise<string | null> => {
  const d = await client.workflow.getHandle(workflowId).describe();
  const info = d.raw.workflowExecutionInfo?.versioningInfo;
  return info?.deploymentVersion?.buildId ?? null;
};

describe('a worker build rolled out under load (Worker Deployment Versioning)', () => {
  it(
    'loses no order: waiting orders move to the new build, pinned runs finish on the old one',
    { timeout: 240_000 },
    async () => {
      spawn('worker', { WORKER_BUILD_ID: 'build-1' });
      await setCurrentVersion(
        connection,
        NAMESPACE,
        { name: DEPLOYMENT, buildId: 'build-1' },
        { waitMs: 90_000 },
      );
      const port = await freePort();
      spawn('api', { PORT: String(port), HOST: '127.0.0.1', ORDER_ACCEPT_WAIT_MS: '0' });
      const api = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${api}/readyz`).catch(() => null))?.ok ?? null, 60_000);

      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 1_000_000n);
      const walletOrder = (domain: string) =>
        call(`${api}/api/v1/domains/register`, {
          method: 'POST',
          headers: {
            'X-API-KEY': r.apiKey,
            'Content-Type': 'application/json',
            'Idempotency-Key': `w-${domain}`,
          },
          body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
        });

      // Before the roll: orders waiting for their invoices, transfers polling, one domain with an open DNS zone.
      const invoiced: Array<{ domain: string; invoice: string }> = [];
      for (let i = 0; i < 3; i += 1) {
        const domain = uniqueName('rollinv');
        const res = await call(
          `${api}/api/reseller/v1/orders/register`,
          bearer(r.token, { domain, years: '1' }, `i-${domain}`),
        );
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        invoiced.push({
          domain,
          invoice: (res.body['data'] as { order: { invoice: { id: string } } }).order.invoice.id,
        });
      }
      const transfers = Array.from({ length: 2 }, () => uniqueName('transferlock'));
      for (const domain of transfers) {
        const res = await call(`${api}/api/v1/domains/${domain}/transfer`, {
          method: 'POST',
          headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
          body: JSON.stringify({ auth_code: 'ROLL-CODE' }),
        });
        expect([201, 202]).toContain(res.status);
      }
      const zoned = uniqueName('rolldns');
      expect([201, 202]).toContain((await walletOrder(zoned)).status);
      await eventually(async () => {
        const o = (await h.db('orders').where({ domainName: zoned }).first()) as
          { status: string } | undefined;
        return o?.status === 'completed' ? true : null;
      }, 60_000);
      const domainRow = (await h.db('domains').where({ name: zoned }).first()) as { id: number };
      const provision = await call(`${api}/api/v1/domains/${zoned}/dns/provision`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ confirm: true }),
      });
      expect(provision.status, JSON.stringify(provision.body)).toBe(200);
      const zoneWorkflow = `dns:${domainRow.id}`;
      expect(await versionOf(zoneWorkflow)).toBe('build-1');
      const waitingWorkflows = (
        (await h
          .db('orders')
          .whereIn('domainName', [...invoiced.map((o) => o.domain), ...transfers])) as Array<{
          workflowId: string;
        }>
      ).map((o) => o.workflowId);
      for (const id of waitingWorkflows) expect(await versionOf(id)).toBe('build-1');

      // The roll, with wallet orders placed all through it.
      const during: string[] = [];
      const refused: string[] = [];
      let rolling = true;
      const load = (async () => {
        while (rolling) {
          const domain = uniqueName('rollwallet');
          during.push(domain);
          const res = await walletOrder(domain);
          if (res.status !== 201 && res.status !== 202)
            refused.push(`${res.status} ${JSON.stringify(res.body)}`);
        }
      })();
      spawn('worker', { WORKER_BUILD_ID: 'build-2' });
      await setCurrentVersion(
        connection,
        NAMESPACE,
        { name: DEPLOYMENT, buildId: 'build-2' },
        { waitMs: 90_000 },
      );
      const shown = await describeDeployment(connection, NAMESPACE, DEPLOYMENT);
      expect(shown?.currentBuildId).toBe('build-2');
      // The open zone takes a change after the roll: it stays on the build that started it.
      const edit = await call(`${api}/api/v1/domains/${zoned}/dns/records`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'A', name: 'www', value: '192.0.2.7' }),
      });
      expect([200, 201], JSON.stringify(edit.body)).toContain(edit.status);
      expect(await versionOf(zoneWorkflow)).toBe('build-1');
      await new Promise((r) => setTimeout(r, 3_000));
      rolling = false;
      await load;
      expect(refused).toEqual([]);

      // After the roll: the invoices are paid, the transfers complete.
      for (const o of invoiced) {
        const paid = await call(
          `${api}/api/reseller/v1/invoices/${o.invoice}/pay`,
          bearer(r.token, {}, `p-${o.invoice}`),
        );
        expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      }
      // The losing registrar releases the transfers.
      for (const domain of transfers) expect(h.sim.unlockTransfer(domain)).toBe(true);
      const all = [...invoiced.map((o) => o.domain), ...transfers, ...during, zoned];
      await eventually(async () => {
        const rows = (await h.db('orders').whereIn('domainName', all)) as Array<{ status: string }>;
        return rows.length === all.length && rows.every((o) => o.status === 'completed') ? true : null;
      }, 120_000);
      // The waiting orders moved to build 2 (AUTO_UPGRADE) at their next task.
      for (const id of waitingWorkflows) expect(await versionOf(id)).toBe('build-2');
      for (const domain of [...invoiced.map((o) => o.domain), ...during])
        expect(h.sim.count('register', domain)).toBe(1);
      // No run in the namespace failed, timed out or was terminated.
      const broken: string[] = [];
      for await (const wf of client.workflow.list({
        query: "ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed'",
      }))
        broken.push(`${wf.type} ${wf.workflowId} ${wf.status.name}`);
      expect(broken).toEqual([]);
      // Build 1 is no longer current: it drains (its pinned runs end there), then can be stopped.
      const after = await describeDeployment(connection, NAMESPACE, DEPLOYMENT);
      const build1 = after?.versions.find((v) => v.buildId === 'build-1');
      expect(build1?.status).toMatch(/^(draining|drained)$/);
      console.log(
        `roll: ${during.length} wallet orders placed during the roll, ${invoiced.length} invoice orders and ${transfers.length} transfers waiting across it; all completed on build-2, DNS zone pinned to build-1, build-1 ${build1?.status}`,
      );
    },
  );
});
