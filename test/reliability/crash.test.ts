import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/services/ledger-check';
import { call, makeReseller, retryWhileUnavailable } from '../helpers';
import { killGroup } from '../cli-helpers';
import { spawnAgainst, useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

const FULL = process.env['RELIABILITY_SCALE'] === 'full';
const ORDERS = FULL ? 200 : 20;
const KILLS = FULL ? 5 : 1;

// The per-credential rate limit is lifted: every one of the orders must reach the workflow.
const h = useOrderHarness({
  inProcessWorker: false,
  apiEnv: { ORDER_ACCEPT_WAIT_MS: '0', RATE_LIMIT_POINTS: '100000', WORKFLOW_ANSWER_TIMEOUT_MS: '10000' },
});

/** The real worker entry point as its own process. */
const spawnWorker = (): ChildProcess => spawnAgainst(h, 'worker');

describe('crash', () => {
  it(
    `completes ${ORDERS} wallet orders exactly once while the worker process is SIGKILLed ${KILLS} time(s)`,
    { timeout: 900_000 },
    async () => {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 1_299n * BigInt(ORDERS));
      let worker = spawnWorker();
      const names = Array.from({ length: ORDERS }, () => uniqueName('crash'));
      h.sim.setFaults({ latencyMs: 150 });
      // Orders arrive one every 150 ms while the worker is killed at random moments, so kills land mid-order.
      // Each client behaves as the API asks: a 503 (the workflow engine did not answer in time,
      // e.g. while no worker was alive) is retried after Retry-After with the same Idempotency-Key.
      let retried = 0;
      const requests = Promise.all(
        names.map(async (domain, n) => {
          await new Promise((resolve) => setTimeout(resolve, n * 150));
          return retryWhileUnavailable(
            () =>
              call(`${h.api.url}/api/v1/domains/register`, {
                method: 'POST',
                headers: {
                  'X-API-KEY': r.apiKey,
                  'Content-Type': 'application/json',
                  'Idempotency-Key': `crash-${domain}`,
                },
                body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
              }),
            { attempts: 11, onRetry: () => (retried += 1) },
          );
        }),
      );
      // One kill in each of KILLS equal slices of the submission window, at a random moment in
      // its slice, and only while an order of this reseller is being processed.
      const windowMs = ORDERS * 150;
      const started = Date.now();
      const killedAt: number[] = [];
      let completedAfterMs = 0;
      for (let k = 0; k < KILLS; k += 1) {
        const at = started + (windowMs * (k + Math.random())) / KILLS;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
        await eventually(
          async () =>
            (await h.db('orders').where({ resellerId: r.id, status: 'processing' }).first('id')) as unknown,
          120_000,
        );
        killGroup(worker, 'SIGKILL');
        killedAt.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 300));
        worker = spawnWorker();
      }
      try {
        const responses = await requests;
        // Every order accepted: 201 (already done), 202 (accepted, running), or 200 (a retry
        // after a 503 that found its order already under way).
        expect(responses.filter((x) => ![200, 201, 202].includes(x.status))).toEqual([]);
        await eventually(async () => {
          const n = (
            await h
              .db('orders')
              .where({ resellerId: r.id, status: 'completed' })
              .count<{ count: string }[]>('* as count')
          )[0]!.count;
          return Number(n) === ORDERS;
        }, 600_000);
        completedAfterMs = Date.now() - started;
      } finally {
        h.sim.setFaults({ latencyMs: 0 });
        killGroup(worker, 'SIGKILL');
      }
      const registrations = names.map((d) => h.sim.count('register', d));
      console.log(
        `crash: ${ORDERS} orders, SIGKILL at ${killedAt.map((t) => `${(t / 1000).toFixed(1)}s`).join(', ')}; ` +
          `all completed ${(completedAfterMs / 1000).toFixed(0)} s after the first request; ` +
          `registrations ${registrations.reduce((s, n) => s + n, 0)}; ${retried} request(s) retried after 503`,
      );
      expect(registrations.every((n) => n === 1)).toBe(true);
      const holds = (await h
        .db('ledger_entries')
        .where({ resellerId: r.id, kind: 'hold' })
        .select('orderId', 'status')) as Array<{ orderId: number; status: string }>;
      expect(holds.filter((x) => x.status === 'posted')).toHaveLength(ORDERS);
      expect(new Set(holds.filter((x) => x.status === 'posted').map((x) => x.orderId)).size).toBe(ORDERS);
      expect(holds.filter((x) => x.status === 'pending')).toEqual([]);
      expect(await balanceOf(h.db, r.id)).toEqual({ currency: 'USD', posted: 0n, held: 0n, available: 0n });
      expect(await checkLedger(h.db)).toEqual([]);
    },
  );
});
