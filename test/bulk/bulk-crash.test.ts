/**
 * Issue 41's proof: a 300-item renew job on the simulator, one item in ten refused by the
 * registrar, the worker process SIGKILLed twice while it runs. Every item ends once, the charges
 * equal the successes and the released holds the failures, the ledger checks clean, and no run
 * of the job's workflow holds more than 10,000 events.
 */
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/services/ledger-check';
import { makeReseller } from '../helpers';
import { killGroup } from '../cli-helpers';
import { spawnAgainst, useOrderHarness } from '../harness';
import { balanceOf, eventually, topUp } from '../order-helpers';
import { bulkApi, jobEnded, jobLedger, jobOf, ownedDomains } from './bulk-helpers';

const ITEMS = 300;
const h = useOrderHarness({
  inProcessWorker: false,
  apiEnv: { WORKFLOW_ANSWER_TIMEOUT_MS: '10000', RATE_LIMIT_POINTS: '100000' },
});

describe('a bulk renew job under worker crashes', () => {
  it(
    `ends each of ${ITEMS} items once, charged once, while the worker is SIGKILLed twice`,
    { timeout: 900_000 },
    async () => {
      const r = await makeReseller(h.db);
      const api = bulkApi(h, r);
      const refused = (i: number) => i % 10 === 7;
      const names = await ownedDomains(h, r.id, ITEMS, { prefix: 'bulkcrash', missingAtRegistrar: refused });
      await topUp(h.db, r.id, 1_299n * BigInt(ITEMS));
      let worker: ChildProcess = spawnAgainst(h, 'worker');
      h.sim.setFaults({ latencyMs: 50 });
      try {
        const job = jobOf(
          await api('POST', '/bulk-jobs', { action: 'renew', items: names }, `crash-${r.id}`),
        );
        expect(job.items.pending).toBe(ITEMS);
        expect((await api('POST', `/bulk-jobs/${job.id}/confirm`, {})).status).toBe(202);
        for (const at of [60, 180]) {
          await eventually(async () => {
            const j = jobOf(await api('GET', `/bulk-jobs/${job.id}`));
            return j.items.succeeded + j.items.failed >= at;
          }, 300_000);
          killGroup(worker, 'SIGKILL');
          await new Promise((resolve) => setTimeout(resolve, 500));
          worker = spawnAgainst(h, 'worker');
        }
        const done = await jobEnded(api, job.id, 600_000);
        expect(done.items).toMatchObject({
          succeeded: 270,
          failed: 30,
          pending: 0,
          running: 0,
          cancelled: 0,
        });
        expect(done.charged.amount_minor).toBe(String(270 * 1299));

        // Each domain renewed at the registrar exactly once when it succeeded, never when refused.
        const renewed = names.map((n) => h.sim.count('renew', n));
        expect(renewed.filter((n, i) => n !== (refused(i) ? 0 : 1))).toEqual([]);
        // One order per item (the job's key per line), each hold posted or released once.
        const orders = (await h
          .db('orders')
          .where({ resellerId: r.id })
          .select('idempotencyKey', 'status')) as Array<{
          idempotencyKey: string;
          status: string;
        }>;
        expect(orders).toHaveLength(ITEMS);
        expect(new Set(orders.map((o) => o.idempotencyKey)).size).toBe(ITEMS);
        const ledger = await jobLedger(h.db, job.id);
        expect(ledger).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              order_status: 'completed',
              entry_status: 'posted',
              n: 270,
              minor: String(-270 * 1299),
            }),
            expect.objectContaining({ order_status: 'failed', entry_status: 'voided', n: 30 }),
          ]),
        );
        expect(ledger).toHaveLength(2);
        const balance = await balanceOf(h.db, r.id);
        expect(balance).toMatchObject({ held: 0n, available: 30n * 1299n });
        expect(await checkLedger(h.db)).toEqual([]);
        expect(
          await h.db('events').where({ resellerId: r.id, type: 'bulk_job.completed' }).count('* as n'),
        ).toEqual([{ n: '1' }]);

        // Bounded history: the job continued as new, no run over 10,000 events.
        const runs: number[] = [];
        for await (const run of h.temporal.workflow.list({ query: `WorkflowId = 'bulk-job-${job.id}'` }))
          runs.push(run.historyLength);
        console.log(
          `bulk crash: ${runs.length} runs of the job, longest history ${Math.max(...runs)} events`,
        );
        expect(runs.length).toBeGreaterThan(0);
        expect(Math.max(...runs)).toBeLessThan(10_000);
      } finally {
        h.sim.setFaults({ latencyMs: 0 });
        killGroup(worker, 'SIGKILL');
      }
    },
  );
});
