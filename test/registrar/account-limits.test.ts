import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/utils/ports';
import { makeReseller } from '../helpers';
import { killGroup } from '../cli-helpers';
import { spawnAgainst, useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName, untilPolling } from '../order-helpers';

/*
 * The account's limits are the account's, not a process's: three API processes and two workers
 * share one regular Dynadot account (1 thread, 60 calls per window, one name per search) through
 * Redis, bulk-search 500 names while orders run, and the simulator, which enforces the limits as
 * Dynadot does, counts no breach. The window is a second instead of a minute (the same for the
 * clients and the simulator), so the 500 names take seconds rather than minutes.
 */
const h = useOrderHarness({ inProcessWorker: false, relay: false });
const children = new Set<ChildProcess>();
const WINDOW_MS = 1_000;
const ACCOUNT = {
  DYNADOT_ACCOUNT_LEVEL: 'regular',
  DYNADOT_RATE_WINDOW_MS: String(WINDOW_MS),
  REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: `test-limits-${process.pid}-${Date.now()}:`,
  RATE_LIMIT_POINTS: '100000',
  ORDER_ACCEPT_WAIT_MS: '0',
  REGISTRAR_TIMEOUT_MS: '10000',
};

function spawnCli(command: 'api' | 'worker', extra: Record<string, string> = {}): ChildProcess {
  // direct: the process is the command itself, so its pid is the one in its worker identity.
  const child = spawnAgainst(h, command, { ...ACCOUNT, ...extra }, { direct: true });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function spawnApi(): Promise<string> {
  const port = await freePort();
  spawnCli('api', { PORT: String(port), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok ?? null, 60_000);
  return url;
}

beforeAll(() => {
  h.sim.account.level = 'regular';
  h.sim.account.windowMs = WINDOW_MS;
  h.sim.account.reset();
});
afterAll(() => {
  for (const c of children) killGroup(c, 'SIGKILL');
});

describe('a regular account shared by 3 API processes and 2 workers', () => {
  it('bulk-searches 500 names and places orders without one breach of the account limits', async () => {
    const apis = await Promise.all([spawnApi(), spawnApi(), spawnApi()]);
    const workers = [spawnCli('worker'), spawnCli('worker')];
    // Both workers polling before the clock starts (an order's acceptance needs one).
    await untilPolling(
      h,
      workers.map((w) => w.pid),
    );
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 100_000n);
    const names = Array.from({ length: 500 }, (_, i) => uniqueName(i % 5 === 0 ? 'taken' : 'bulk'));
    const started = Date.now();
    const searches = Array.from({ length: 5 }, async (_, i) => {
      const res = await fetch(`${apis[i % 3]!}/api/reseller/v1/domains/search`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ domains: names.slice(i * 100, i * 100 + 100) }),
      });
      if (res.status !== 200)
        throw new Error(
          `search ${res.status}: ${await res.text()}; breaches ${JSON.stringify(h.sim.breaches)} calls ${JSON.stringify(Object.fromEntries(h.sim.calls))}`,
        );
      return (
        (await res.json()) as { data: { results: Array<{ domain_name: string; available: boolean | null }> } }
      ).data.results;
    });
    // Orders at the same time: the workers' registrar calls share the same account.
    const orders = Array.from({ length: 4 }, () => uniqueName('limits'));
    const placed = orders.map((domain, i) =>
      fetch(`${apis[i % 3]!}/api/v1/domains/register`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
      }).then(async (res) => `${res.status} ${await res.text()}`),
    );
    const results = (await Promise.all(searches)).flat();
    const searchedIn = Date.now() - started;
    // Each order accepted (the answers in full when one is not, to say why).
    const answers = await Promise.all(placed);
    expect(answers.filter((a) => !/^20[12] /.test(a))).toEqual([]);
    await eventually(async () => {
      const done = (await h
        .db('orders')
        .whereIn('domainName', orders)
        .where('status', 'completed')) as unknown[];
      return done.length === orders.length;
    }, 60_000);

    // Every name got an answer, the right one.
    expect(results.map((x) => x.domain_name)).toEqual(names);
    for (const row of results) expect(row.available).toBe(!row.domain_name.startsWith('taken'));
    // One name per search call, and the account never pushed past its limits.
    expect(h.sim.calls.get('search')).toBeGreaterThanOrEqual(500);
    expect(h.sim.breaches).toEqual({ threads: 0, rate: 0 });
    expect(h.sim.account.peak.inFlight).toBe(1);
    expect(h.sim.account.peak.perWindow).toBeLessThanOrEqual(60);
    console.log(
      `account limits: 500 names in ${searchedIn} ms over 3 APIs, ${orders.length} orders by 2 workers; ` +
        `${[...h.sim.calls.values()].reduce((a, b) => a + b, 0)} registrar calls, peak ${h.sim.account.peak.perWindow} a window (limit 60), ` +
        `peak in flight ${h.sim.account.peak.inFlight} (limit 1), breaches ${JSON.stringify(h.sim.breaches)}`,
    );
  }, 180_000);
});
