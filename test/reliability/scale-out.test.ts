import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/services/ledger-check';
import { makeReseller } from '../helpers';
import { killGroup } from '../cli-helpers';
import { spawnAgainst, useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { receiver } from '../receiver';
import { freePort } from '../../src/utils/ports';

const FULL = process.env['RELIABILITY_SCALE'] === 'full';
const ORDERS = FULL ? 100 : 24;

// Nothing of the harness runs orders or delivers webhooks: two API processes and two worker
// processes (each worker with its event relay) do, on one Temporal and one Postgres.
const h = useOrderHarness({ inProcessWorker: false, relay: false });
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const c of children) killGroup(c, 'SIGKILL');
});

function spawnCli(command: 'api' | 'worker', extra: Record<string, string> = {}): ChildProcess {
  const child = spawnAgainst(h, command, {
    RATE_LIMIT_POINTS: '100000',
    ORDER_ACCEPT_WAIT_MS: '0',
    WORKFLOW_ANSWER_TIMEOUT_MS: '10000',
    WEBHOOK_BACKOFF_BASE_SECONDS: '1',
    WEBHOOK_DISPATCH_INTERVAL_MS: '200',
    WEBHOOK_SWEEP_INTERVAL_MS: '1000',
    WEBHOOK_SWEEP_GRACE_SECONDS: '5',
    ...extra,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function spawnApi(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawnCli('api', { PORT: String(port), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok ?? null, 30_000);
  return { child, url };
}

/**
 * One order as a client behind a load balancer places it: to one API, and on a connection
 * failure (that API died), a 503 (no worker answered in time) or a 409 (the key's first request
 * is in flight, or died with its API) again, to the next API, with the same Idempotency-Key,
 * after the Retry-After the API gave.
 */
async function placeOrder(apis: string[], first: number, apiKey: string, domain: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const url = apis[(first + attempt) % apis.length]!;
    const res = await fetch(`${url}/api/v1/domains/register`, {
      method: 'POST',
      headers: {
        'X-API-KEY': apiKey,
        'Content-Type': 'application/json',
        'Idempotency-Key': `scale-${domain}`,
      },
      body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
    }).catch(() => null);
    if (res && res.status !== 503 && res.status !== 409) {
      await res.arrayBuffer();
      return res.status;
    }
    await res?.arrayBuffer();
    const wait = Number(res?.headers.get('retry-after') ?? 0.5);
    await new Promise((r) => setTimeout(r, Math.min(wait, 60) * 1000));
  }
  throw new Error(`${domain}: no API accepted the order`);
}

describe('scale-out', () => {
  it(
    `completes ${ORDERS} orders and delivers every webhook while an API and a worker process are SIGKILLed`,
    { timeout: 600_000 },
    async () => {
      const hooks = await receiver(() => 200);
      const workers = [spawnCli('worker'), spawnCli('worker')];
      const apis = await Promise.all([spawnApi(), spawnApi()]);
      const urls = apis.map((a) => a.url);
      try {
        const r = await makeReseller(h.db);
        await topUp(h.db, r.id, 1_299n * BigInt(ORDERS));
        const created = await fetch(`${urls[0]}/api/reseller/v1/webhooks`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ url: hooks.url }),
        });
        expect(created.status).toBe(201);

        h.sim.setFaults({ latencyMs: 100 });
        const names = Array.from({ length: ORDERS }, () => uniqueName('scale'));
        const statuses = Promise.all(
          names.map(async (domain, n) => {
            await new Promise((resolve) => setTimeout(resolve, n * 100));
            return placeOrder(urls, n, r.apiKey, domain);
          }),
        );
        // Mid-stream, while orders of this reseller are being processed: one API and one worker die.
        await new Promise((resolve) => setTimeout(resolve, (ORDERS * 100) / 3));
        await eventually(
          async () =>
            (await h.db('orders').where({ resellerId: r.id, status: 'processing' }).first('id')) as unknown,
          60_000,
        );
        killGroup(apis[0]!.child, 'SIGKILL');
        killGroup(workers[0]!, 'SIGKILL');
        const answered = await statuses;
        expect(answered.filter((s) => ![200, 201, 202].includes(s))).toEqual([]);

        await eventually(async () => {
          const n = (
            await h
              .db('orders')
              .where({ resellerId: r.id, status: 'completed' })
              .count<{ count: string }[]>('* as count')
          )[0]!.count;
          return Number(n) === ORDERS;
        }, 300_000);
        h.sim.setFaults({ latencyMs: 0 });

        // Every order completed once: registered once, debited once, no hold left.
        expect(names.map((d) => h.sim.count('register', d)).every((c) => c === 1)).toBe(true);
        expect(await balanceOf(h.db, r.id)).toEqual({ currency: 'USD', posted: 0n, held: 0n, available: 0n });
        expect(await checkLedger(h.db)).toEqual([]);

        // Every event of the reseller reached the receiver, and is recorded delivered exactly once.
        const events = (await h.db('events').where({ resellerId: r.id }).pluck('id')) as string[];
        expect(events.length).toBeGreaterThanOrEqual(ORDERS);
        await eventually(() => events.every((id) => (hooks.accepted().get(id) ?? 0) >= 1) || null, 180_000);
        const jobs = (await h
          .db('webhook_jobs as j')
          .join('events as e', 'e.id', 'j.eventId')
          .where('e.resellerId', r.id)
          .select('j.eventId', 'j.status')) as Array<{ eventId: string; status: string }>;
        expect(jobs.filter((j) => j.status !== 'delivered')).toEqual([]);
        expect(new Set(jobs.map((j) => j.eventId)).size).toBe(jobs.length);
        expect(jobs).toHaveLength(events.length);
        // At least once: a delivery in flight when its worker died may have reached the receiver
        // already and is sent again (receivers dedupe on the event id); nothing is lost.
        const accepted = hooks.accepted();
        const repeats = [...accepted.values()].reduce((n, c) => n + c - 1, 0);
        console.log(
          `scale-out: ${ORDERS} orders over 2 API and 2 worker processes, one of each SIGKILLed; ` +
            `${events.length} events, all delivered; ${repeats} repeated delivery(ies) of an event already received`,
        );
        expect(repeats).toBeLessThanOrEqual(events.length / 4);
      } finally {
        h.sim.setFaults({ latencyMs: 0 });
        for (const c of [...workers, ...apis.map((a) => a.child)]) killGroup(c, 'SIGKILL');
        await hooks.close();
      }
    },
  );
});
