import { describe, expect, it } from 'vitest';
import { call, makeReseller, retryWhileUnavailable, startTestApi, testDb } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

// No worker until a test starts one: requests that need the workflow engine must not hang;
// they wait WORKFLOW_ANSWER_TIMEOUT_MS (1 s here) for its answer.
const h = useOrderHarness({
  inProcessWorker: false,
  apiEnv: { WORKFLOW_ANSWER_TIMEOUT_MS: '1000', ORDER_ACCEPT_WAIT_MS: '0' },
});

const send = (apiKey: string, method: string, path: string, body: unknown, key: string) =>
  call(`${h.api.url}/api/v1${path}`, {
    method,
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  });

const untilAnswered = (send: () => ReturnType<typeof call>) =>
  retryWhileUnavailable(send, { attempts: 16, delayMs: 500 });

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - t };
}

function expectUnavailable(res: { status: number; body: Record<string, unknown>; headers: Headers }) {
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({ success: false, code: 'workflow_unavailable' });
  expect(res.headers.get('retry-after')).toBe('5');
}

describe('no worker polling the task queue', () => {
  it('answers an order 503 within the deadline; the retry under the same key registers and charges once', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 5_000n);
    const domain = uniqueName('noworker');
    const body = { domain_name: domain, registrant: SEED_CONTACT };
    const first = await timed(() => send(r.apiKey, 'POST', '/domains/register', body, 'reg-1'));
    expectUnavailable(first.result);
    expect(first.ms).toBeLessThan(6_000);
    expect((await balanceOf(h.db, r.id)).held).toBe(0n);

    await h.startWorker();
    try {
      // The first attempt's workflow runs on its own once a worker is back ...
      await expect
        .poll(async () => (await h.db('orders').where({ domainName: domain }).first('status')) as unknown, {
          timeout: 30_000,
        })
        .toEqual({ status: 'completed' });
      // ... and the client's retry under the same key is that order (not "domain unavailable").
      const retry = await send(r.apiKey, 'POST', '/domains/register', body, 'reg-1');
      expect([200, 201]).toContain(retry.status);
      expect(retry.body['data']).toMatchObject({ order: { status: 'completed' } });
      // The same key with another domain is refused.
      const other = await send(
        r.apiKey,
        'POST',
        '/domains/register',
        { ...body, domain_name: uniqueName('other') },
        'reg-1',
      );
      expect(other.status).toBe(422);
      expect(h.sim.count('register', domain)).toBe(1);
      expect(
        await h.db('orders').where({ domainName: domain }).count<{ count: string }[]>('* as count'),
      ).toEqual([{ count: '1' }]);
      expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 5_000n - 1_299n, held: 0n });
    } finally {
      await h.stopWorker();
    }
  });

  it('answers a DNS change 503; retries under one key apply it once when a worker returns', async () => {
    const r = await makeReseller(h.db);
    const name = uniqueName('dnsnw');
    h.sim.seedDomain(name, new Date(Date.UTC(2030, 0, 1)));
    await h.db('domains').insert({ resellerId: r.id, name, expiresAt: new Date(Date.UTC(2030, 0, 1)) });

    expectUnavailable(
      await send(r.apiKey, 'POST', `/domains/${name}/dns/provision`, { confirm: true }, 'prov'),
    );
    await h.startWorker();
    try {
      // A worker just started may take longer than the API's wait for its first answer: the
      // client resends under the same key until it is answered, as a retrying client does.
      const provisioned = await untilAnswered(() =>
        send(r.apiKey, 'POST', `/domains/${name}/dns/provision`, { confirm: true }, 'prov'),
      );
      expect(provisioned.status).toBe(200);
    } finally {
      await h.stopWorker();
    }

    const record = { type: 'A', name: 'www', value: '203.0.113.7' };
    const path = `/domains/${name}/dns/records`;
    // Two attempts while no worker runs: both time out; both reach the zone workflow as the same update.
    expectUnavailable(await send(r.apiKey, 'POST', path, record, 'rec-1'));
    expectUnavailable(await send(r.apiKey, 'POST', path, record, 'rec-1'));
    await h.startWorker();
    try {
      const retry = await untilAnswered(() => send(r.apiKey, 'POST', path, record, 'rec-1'));
      expect(retry.status).toBe(201);
      const view = await call(`${h.api.url}/api/v1/domains/${name}/dns`, {
        headers: { 'X-API-KEY': r.apiKey },
      });
      const records = (view.body['data'] as { records: Array<{ type: string; name: string }> }).records;
      expect(records.filter((x) => x.type === 'A' && x.name === 'www')).toHaveLength(1);
    } finally {
      await h.stopWorker();
    }
  });
});

describe('Temporal unreachable', () => {
  it('answers 503 workflow_unavailable, not 500', async () => {
    const db = testDb();
    const api = await startTestApi(db, {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      WORKFLOW_ANSWER_TIMEOUT_MS: '1000',
    });
    try {
      const r = await makeReseller(db);
      await topUp(db, r.id, 5_000n);
      const res = await call(`${api.url}/api/v1/domains/register`, {
        method: 'POST',
        headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ domain_name: uniqueName('down'), registrant: SEED_CONTACT }),
      });
      expectUnavailable(res);
      expect((await balanceOf(db, r.id)).held).toBe(0n);
    } finally {
      // Its update is still being retried against the unreachable address: leave that connection
      // open (closing it makes the SDK's next retry throw from a timer).
      await api.close({ keepTemporal: true });
      await db.destroy();
    }
  });
});
