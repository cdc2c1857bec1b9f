import { describe, expect, it } from 'vitest';
import { call, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

/** `npm test` runs a short version; `npm run test:reliability` (RELIABILITY_SCALE=full) the sizes. */
const FULL = process.env['RELIABILITY_SCALE'] === 'full';
const SCALE = {
  overspendOrders: FULL ? 300 : 60,
  overspendCovered: FULL ? 100 : 20,
  identical: 100,
  faultOrders: FULL ? 100 : 20,
};

// Hundreds of parallel orders on the dev server: answers may take longer than the default
// deadline, and these tests are about money, not availability (the crash test retries 503s).
const h = useOrderHarness({
  registrarTimeoutMs: 1_000,
  apiEnv: { WORKFLOW_ANSWER_TIMEOUT_MS: '180000' },
});

const register = (apiKey: string, domain: string, key?: string) =>
  call(`${h.api.url}/api/v1/domains/register`, {
    method: 'POST',
    headers: {
      'X-API-KEY': apiKey,
      'Content-Type': 'application/json',
      ...(key ? { 'Idempotency-Key': key } : {}),
    },
    body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
  });

async function settled(resellerId: number): Promise<void> {
  await eventually(async () => {
    const live = (await h
      .db('orders')
      .where({ resellerId })
      .whereIn('status', ['pending', 'processing'])
      .first('id')) as unknown;
    return !live;
  }, 240_000);
}

describe('money under concurrency and faults', () => {
  it(
    `lets exactly ${SCALE.overspendCovered} of ${SCALE.overspendOrders} parallel orders through on a wallet that covers ${SCALE.overspendCovered}`,
    { timeout: 300_000 },
    async () => {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 1_299n * BigInt(SCALE.overspendCovered));
      let lowest = Number.POSITIVE_INFINITY;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const b = await balanceOf(h.db, r.id);
          lowest = Math.min(lowest, Number(b.available), Number(b.posted));
          await new Promise((res) => setTimeout(res, 20));
        }
      })();
      const names = Array.from({ length: SCALE.overspendOrders }, () => uniqueName('over'));
      const responses = await Promise.all(names.map((d) => register(r.apiKey, d)));
      await settled(r.id);
      sampling = false;
      await sampler;
      const ok = responses.filter((x) => x.status === 201 || x.status === 202).length;
      console.log(
        `overspend: ${SCALE.overspendOrders} orders, ${ok} accepted, lowest balance seen ${lowest}`,
      );
      expect(ok).toBe(SCALE.overspendCovered);
      expect(lowest).toBeGreaterThanOrEqual(0);
      expect(await balanceOf(h.db, r.id)).toEqual({ currency: 'USD', posted: 0n, held: 0n, available: 0n });
      expect(names.filter((d) => h.sim.count('register', d) === 1)).toHaveLength(SCALE.overspendCovered);
    },
  );

  it(
    `turns ${SCALE.identical} parallel identical keyed requests into one order; another body with the key is 422`,
    { timeout: 120_000 },
    async () => {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 10_000n);
      const domain = uniqueName('ident');
      const responses = await Promise.all(
        Array.from({ length: SCALE.identical }, () => register(r.apiKey, domain, `id-${domain}`)),
      );
      const counts = responses.reduce<Record<number, number>>(
        (m, x) => ({ ...m, [x.status]: (m[x.status] ?? 0) + 1 }),
        {},
      );
      console.log(`idempotency: ${SCALE.identical} identical requests → statuses ${JSON.stringify(counts)}`);
      expect(Object.keys(counts).every((s) => s === '201' || s === '409')).toBe(true);
      expect(
        await h.db('orders').where({ resellerId: r.id }).count<{ count: string }[]>('* as count'),
      ).toEqual([{ count: '1' }]);
      expect(h.sim.count('register', domain)).toBe(1);
      expect((await register(r.apiKey, uniqueName('other'), `id-${domain}`)).status).toBe(422);
    },
  );

  it(
    `keeps every order whole with 30% 5xx/timeouts and 5% applied-but-lost answers (${SCALE.faultOrders} orders)`,
    { timeout: 600_000 },
    async () => {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 1_299n * BigInt(SCALE.faultOrders));
      const names = Array.from({ length: SCALE.faultOrders }, () => uniqueName('faulty'));
      h.sim.setFaults({ errorRate: 0.15, timeoutRate: 0.15, lostResponseRate: 0.05 });
      try {
        await Promise.all(names.map((d) => register(r.apiKey, d)));
        await settled(r.id);
      } finally {
        h.sim.setFaults({ errorRate: 0, timeoutRate: 0, lostResponseRate: 0 });
      }
      const orders = (await h
        .db('orders')
        .where({ resellerId: r.id })
        .select('id', 'domainName', 'status')) as Array<{ id: number; domainName: string; status: string }>;
      const completed = orders.filter((o) => o.status === 'completed');
      const failed = orders.filter((o) => o.status === 'failed');
      console.log(`faults: ${orders.length} orders → ${completed.length} completed, ${failed.length} failed`);
      expect(completed.length + failed.length).toBe(SCALE.faultOrders);
      for (const o of orders)
        expect(h.sim.count('register', o.domainName), o.domainName).toBeLessThanOrEqual(1);
      for (const o of completed) expect(h.sim.count('register', o.domainName), o.domainName).toBe(1);
      const holds = (await h
        .db('ledger_entries')
        .where({ resellerId: r.id, kind: 'hold' })
        .select('orderId', 'status')) as Array<{ orderId: number; status: string }>;
      for (const o of completed)
        expect(holds.filter((x) => x.orderId === o.id).map((x) => x.status)).toEqual(['posted']);
      for (const o of failed)
        expect(holds.filter((x) => x.orderId === o.id && x.status !== 'voided')).toEqual([]);
      const balance = await balanceOf(h.db, r.id);
      expect(balance.held).toBe(0n);
      expect(balance.posted).toBe(1_299n * BigInt(SCALE.faultOrders - completed.length));
    },
  );
});
