import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { call, makeReseller, testDb } from '../helpers';
import { CLI, cliEnv } from '../cli-helpers';
import { TEST_SECRETS_KEY } from '../harness';
import { eventually } from '../order-helpers';
import { freePort } from '../../src/utils/ports';

// The real `api` command as separate processes over the test database: what several API
// processes (or hosts) behind one load balancer share.
const db = testDb();
const children: ChildProcess[] = [];
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

afterAll(async () => {
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  }
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())),
  );
  await db.destroy();
});

/** Starts `domain-reseller api` with this environment; answers its URL once it is healthy. */
async function startApiProcess(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn(CLI.command, [...CLI.args, 'api'], {
    cwd: CLI.cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: cliEnv({ PORT: String(port), HOST: '127.0.0.1', SECRETS_KEY: TEST_SECRETS_KEY, ...env }),
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  // A cluster starts three processes, each loading the app: on a loaded machine that takes a while.
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`api exited ${child.exitCode}: ${stderr}`);
    return (await fetch(`${url}/healthz`).catch(() => null))?.ok ?? null;
  }, 90_000);
  return url;
}

const list = (url: string, apiKey: string) =>
  call(`${url}/api/v1/domains`, { headers: { 'X-API-KEY': apiKey } }).then((r) => r.status);

describe('several API processes', () => {
  it('count one rate limit across two processes through Redis', { timeout: 150_000 }, async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch((err: unknown) => {
      throw new Error(`Redis must run at ${REDIS_URL} for this test (${String(err)})`);
    });
    const prefix = `test-${randomUUID()}:`;
    try {
      const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_POINTS: '6' };
      const [a, b] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
      const r = await makeReseller(db);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push(await list(i % 2 === 0 ? a! : b!, r.apiKey));
      // Six in all, not six each: the seventh is refused by whichever process gets it.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
      expect(await redis.keys(`${prefix}rl:credential:/api/v1*`)).toHaveLength(1);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it(
    'run as a cluster (API_PROCESSES=2) with one limit and one /metrics for all its processes',
    { timeout: 150_000 },
    async () => {
      const url = await startApiProcess({ API_PROCESSES: '2', RATE_LIMIT_POINTS: '6' });
      const r = await makeReseller(db);
      // New connections each time, so the cluster spreads them over both processes.
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1)
        statuses.push(
          (
            await call(`${url}/api/v1/domains`, {
              headers: { 'X-API-KEY': r.apiKey, Connection: 'close' },
            })
          ).status,
        );
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
      const text = await (await fetch(`${url}/metrics`)).text();
      // Counted before routing, a refused request is 'unmatched'; the figures are the cluster's.
      const counted = (route: string, status: number) =>
        Number(
          new RegExp(
            `^http_requests_total\\{method="GET",route="${route}",status="${status}"\\} (\\d+)$`,
            'm',
          ).exec(text)?.[1] ?? 0,
        );
      expect([counted('/api/v1/domains', 200), counted('unmatched', 429)]).toEqual([6, 4]);
      expect(text).toMatch(/^api_processes 2$/m);
    },
  );
});
