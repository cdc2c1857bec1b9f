import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_CHANGED_CHANNEL, CredentialCache } from '../../src/auth/credential-cache';
import { call, makeReseller, silentLog, startTestApi, type TestApi, testDb } from '../helpers';
import { eventually } from '../order-helpers';
import { pgProxy } from '../pg-proxy';
import { poolDatabaseUrl } from '../pool';

// Two API processes' worth of apps over one database, each trusting what it looked up for a
// minute: only the change announcements can make them notice a revoke within the test.
const db = testDb();
let a: TestApi;
let b: TestApi;

beforeAll(async () => {
  a = await startTestApi(db, { CREDENTIAL_CACHE_MS: '60000' });
  b = await startTestApi(db, { CREDENTIAL_CACHE_MS: '60000' });
  await eventually(() => (a.credentialsCached() && b.credentialsCached()) || null);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await db.destroy();
});

const list = (api: TestApi, apiKey: string) =>
  call(`${api.url}/api/v1/domains`, { headers: { 'X-API-KEY': apiKey } }).then((r) => r.status);

/** How long until `api` answers `status` for this key (it must, well inside the cache's minute). */
async function until(api: TestApi, apiKey: string, status: number): Promise<number> {
  const started = Date.now();
  await eventually(async () => ((await list(api, apiKey)) === status ? true : null), 2_000);
  return Date.now() - started;
}

describe('credential cache', () => {
  it('refuses a key revoked through another process at once', async () => {
    const r = await makeReseller(db);
    expect(await list(b, r.apiKey)).toBe(200); // b now holds the key
    const prefix = r.apiKey.split('_').slice(0, 2).join('_');
    const revoked = await call(`${a.url}/api/v1/account/credentials/${prefix}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${r.token}` },
    });
    expect(revoked.status).toBe(200);
    expect(await until(b, r.apiKey, 401)).toBeLessThan(1_000);
  });

  it('applies a whitelist change and a suspension made anywhere, plain SQL included', async () => {
    const r = await makeReseller(db);
    expect(await list(b, r.apiKey)).toBe(200);
    const put = await call(`${a.url}/api/v1/account/ip-whitelist`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ips: ['10.9.8.7'] }),
    });
    expect(put.status).toBe(200);
    expect(await until(b, r.apiKey, 403)).toBeLessThan(1_000);

    await db('resellers')
      .where({ id: r.id })
      .update({ apiIpAllowlist: ['127.0.0.1'] });
    expect(await until(b, r.apiKey, 200)).toBeLessThan(1_000);
    await db('resellers').where({ id: r.id }).update({ status: 'suspended' });
    expect(await until(b, r.apiKey, 401)).toBeLessThan(1_000);
  });

  it('serves nothing from memory while it cannot hear changes, and listens again', async () => {
    const proxy = await pgProxy();
    proxy.up = true;
    const cache = new CredentialCache<{ n: number }>({
      ttlMs: 60_000,
      connectionString: proxy.url,
      log: silentLog,
    }).start();
    try {
      let loads = 0;
      const load = () => Promise.resolve({ n: ++loads });
      await eventually(() => cache.active || null);
      expect(await cache.lookup('k', load)).toEqual({ n: 1 });
      expect(await cache.lookup('k', load)).toEqual({ n: 1 }); // from memory
      // The listening connection is cut: every lookup asks again.
      proxy.up = false;
      await eventually(() => !cache.active || null);
      expect(await cache.lookup('k', load)).toEqual({ n: 2 });
      expect(await cache.lookup('k', load)).toEqual({ n: 3 });
      // Back: it listens again and holds what it loads (nothing from before the cut).
      proxy.up = true;
      await eventually(() => cache.active || null, 15_000);
      expect(await cache.lookup('k', load)).toEqual({ n: 4 });
      expect(await cache.lookup('k', load)).toEqual({ n: 4 });
      // A change announced by anyone empties it.
      await db.raw(`SELECT pg_notify('${AUTH_CHANGED_CHANNEL}', 'test')`);
      await eventually(async () => ((await cache.lookup('k', load))?.n === 5 ? true : null));
    } finally {
      await cache.close();
      await proxy.close();
    }
  });

  it('forgets at once what this process itself changes, before any announcement', async () => {
    const cache = new CredentialCache<{ n: number }>({
      ttlMs: 60_000,
      connectionString: poolDatabaseUrl(),
      log: silentLog,
    })
      .watch(db)
      .start();
    try {
      let loads = 0;
      const load = () => Promise.resolve({ n: ++loads });
      await eventually(() => cache.active || null);
      expect(await cache.lookup('k', load)).toEqual({ n: 1 });
      // A touch of last_used_at is no change.
      await db('api_credentials').where({ id: -1 }).update({ lastUsedAt: new Date() });
      expect(await cache.lookup('k', load)).toEqual({ n: 1 });
      // A write that changes no row announces nothing (the trigger is per row): only the
      // statement itself can empty the cache, and it does before the statement answers.
      await db('api_credentials').where({ id: -1 }).update({ revokedAt: db.fn.now() });
      expect(await cache.lookup('k', load)).toEqual({ n: 2 });
      await db('resellers').where({ id: -1 }).update({ apiIpAllowlist: [] });
      expect(await cache.lookup('k', load)).toEqual({ n: 3 });
    } finally {
      await cache.close();
    }
  });

  it('holds a credential no longer than it lives', async () => {
    const cache = new CredentialCache<{ ends: number }>({
      ttlMs: 60_000,
      connectionString: poolDatabaseUrl(),
      log: silentLog,
    }).start();
    try {
      await eventually(() => cache.active || null);
      let loads = 0;
      const load = () => {
        loads += 1;
        return Promise.resolve({ ends: Date.now() + 150 });
      };
      await cache.lookup('k', load, (v) => v.ends);
      await cache.lookup('k', load, (v) => v.ends);
      expect(loads).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      await cache.lookup('k', load, (v) => v.ends);
      expect(loads).toBe(2);
    } finally {
      await cache.close();
    }
  });
});
