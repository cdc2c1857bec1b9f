import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surfaceRouters } from '../../src/api/surfaces';
import { type Operation, routesOf } from '../../src/api/http/openapi';
import { ABILITIES, ADMIN_ABILITIES } from '../../src/auth/credentials';
import {
  call,
  callFrom,
  makeAdmin,
  makeReseller,
  startTestApi,
  testAppDeps,
  testDb,
  type TestApi,
  type TestReseller,
} from '../helpers';

let db: Knex;
let api: TestApi;
let routes: { v1: Operation[]; resellerV1: Operation[]; admin: Operation[] };

beforeAll(async () => {
  db = testDb();
  api = await startTestApi(db, { RATE_LIMIT_UNAUTHENTICATED_POINTS: '100000', RATE_LIMIT_POINTS: '100000' });
  const deps = testAppDeps(db);
  const routers = surfaceRouters(deps);
  routes = {
    v1: routers.v1.flatMap((r) => routesOf(r, '/api/v1')),
    resellerV1: routers.resellerV1.flatMap((r) => routesOf(r, '/api/reseller/v1')),
    admin: routers.admin.flatMap((r) => routesOf(r, '/api/admin/v1')),
  };
  await deps.temporal.connection.close();
});

afterAll(async () => {
  await api.close();
  await db.destroy();
});

const concrete = (path: string) => path.replace(/:(\w+)/g, 'x1');
const send = (op: Operation, headers: Record<string, string>, from?: string) => {
  const init = {
    method: op.method.toUpperCase(),
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(['post', 'put', 'patch', 'delete'].includes(op.method) ? { body: '{}' } : {}),
  };
  return from
    ? callFrom(from, `${api.url}${concrete(op.path)}`, init)
    : call(`${api.url}${concrete(op.path)}`, init);
};

describe('every route of the router table is guarded', () => {
  it('has every authenticated route tagged with the ability it needs', () => {
    const all = [...routes.v1, ...routes.resellerV1, ...routes.admin];
    expect(all.length).toBeGreaterThan(40);
    const untagged = all.filter((op) => !op.ability).map((op) => `${op.method} ${op.path}`);
    expect(untagged).toEqual([]);
  });

  it('answers 401 without credentials on every route', async () => {
    for (const op of [...routes.v1, ...routes.resellerV1, ...routes.admin]) {
      const res = await send(op, {});
      expect(res.status, `${op.method} ${op.path}`).toBe(401);
    }
  });

  it('answers 403 for an API key whose IP allowlist excludes the caller, on every /api/v1 route', async () => {
    const r = await makeReseller(db, { ipAllowlist: ['203.0.113.1'] });
    for (const op of routes.v1) {
      const res = await send(op, { 'X-API-KEY': r.apiKey });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
      expect(res.body['code']).toBe('ip_not_allowed');
    }
  });

  it('holds the reseller whitelist for every credential on /api/v1 and the legacy API, from an address outside it', async () => {
    // Whitelisted: 127.0.0.1. The client below connects from 127.0.0.2.
    const r = await makeReseller(db);
    const outside = '127.0.0.2';
    for (const op of routes.v1) {
      for (const [kind, headers] of [
        ['API key', { 'X-API-KEY': r.apiKey }],
        ['Bearer token', { Authorization: `Bearer ${r.token}` }],
      ] as const) {
        const res = await send(op, headers, outside);
        expect(res.status, `${kind} ${op.method} ${op.path}`).toBe(403);
        expect(res.body['code'], `${kind} ${op.method} ${op.path}`).toBe('ip_not_allowed');
      }
    }
    const legacy = await callFrom(outside, `${api.url}/api/index.php`, {
      method: 'POST',
      headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'getBalance' }),
    });
    expect(legacy.status).toBe(403);
    // The order/invoice surface keeps the token's own (here: no) list.
    const own = await callFrom(outside, `${api.url}/api/reseller/v1/domains`, {
      headers: { Authorization: `Bearer ${r.token}` },
    });
    expect(own.status).toBe(200);
    // And from inside the whitelist, both credentials work.
    for (const headers of [{ 'X-API-KEY': r.apiKey }, { Authorization: `Bearer ${r.token}` }]) {
      expect((await callFrom('127.0.0.1', `${api.url}/api/v1/domains`, { headers })).status).toBe(200);
    }
  });

  it('answers 403 ability_missing on every route whose ability the token lacks', async () => {
    const tokens = new Map<string, TestReseller>();
    for (const ability of ABILITIES) {
      const others = ABILITIES.filter((a) => a !== ability);
      tokens.set(ability, await makeReseller(db, { abilities: others }));
    }
    for (const op of [...routes.v1, ...routes.resellerV1]) {
      const r = tokens.get(op.ability!)!;
      const res = await send(op, { Authorization: `Bearer ${r.token}` });
      expect(res.status, `${op.method} ${op.path} without ${op.ability}`).toBe(403);
      expect(res.body['code']).toBe('ability_missing');
    }
  });

  it('keeps admin and reseller credentials apart: each is 401 on the other surfaces', async () => {
    const r = await makeReseller(db);
    const admin = await makeAdmin(db);
    expect(routes.admin.length).toBeGreaterThan(25);
    for (const op of routes.admin) {
      for (const [kind, headers] of [
        ['reseller token', { Authorization: `Bearer ${r.token}` }],
        ['reseller API key', { 'X-API-KEY': r.apiKey }],
      ] as const) {
        const res = await send(op, headers);
        expect(res.status, `${kind} ${op.method} ${op.path}`).toBe(401);
      }
    }
    for (const op of [...routes.v1, ...routes.resellerV1]) {
      const res = await send(op, { Authorization: `Bearer ${admin.token}` });
      expect(res.status, `admin token ${op.method} ${op.path}`).toBe(401);
    }
    const legacy = await call(`${api.url}/api/index.php`, {
      method: 'POST',
      headers: { 'X-API-KEY': admin.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'getBalance' }),
    });
    expect(legacy.status).toBe(401);
  });

  it('answers 403 ability_missing on every admin route whose ability the admin token lacks', async () => {
    const tokens = new Map<string, string>();
    for (const ability of ADMIN_ABILITIES) {
      tokens.set(
        ability,
        (
          await makeAdmin(
            db,
            ADMIN_ABILITIES.filter((a) => a !== ability),
          )
        ).token,
      );
    }
    for (const op of routes.admin) {
      const res = await send(op, { Authorization: `Bearer ${tokens.get(op.ability!)!}` });
      expect(res.status, `${op.method} ${op.path} without ${op.ability}`).toBe(403);
      expect(res.body['code']).toBe('ability_missing');
    }
  });

  it('never lets an API key manage its own account (no account.manage), on either surface', async () => {
    const r = await makeReseller(db);
    const self = routes.v1.filter((op) => op.ability === 'account.manage');
    expect(self.length).toBeGreaterThan(5);
    for (const op of self) {
      const res = await send(op, { 'X-API-KEY': r.apiKey });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
      expect(res.body['code']).toBe('ability_missing');
    }
    const put = await call(`${api.url}/api/v1/account/ip-whitelist`, {
      method: 'PUT',
      headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ips: ['0.0.0.0/0'] }),
    });
    expect(put.status).toBe(403);
    expect((await db('resellers').where({ id: r.id }).first('apiIpAllowlist')) as object).toEqual({
      apiIpAllowlist: ['127.0.0.1'],
    });
  });
});
