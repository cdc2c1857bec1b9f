import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCredential } from '../../src/api/middleware/auth';
import { ApiCredential, Domain, Reseller } from '../../src/db/models';
import { issueCredential } from '../../src/services/credentials';
import { call, makeReseller, setResellerStatus, startTestApi, testDb, type TestApi } from '../helpers';
import { eventually } from '../order-helpers';

let db: Knex;
let api: TestApi;

beforeAll(async () => {
  db = testDb();
  api = await startTestApi(db);
});

afterAll(async () => {
  await api.close();
  await db.destroy();
});

const withKey = (key: string) => ({ headers: { 'X-API-KEY': key } });
const withBearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('authentication', () => {
  it('looks up a credential and its reseller in one query, with every reseller column', async () => {
    const r = await makeReseller(db);
    const cred = (await ApiCredential.query(db)
      .where({ resellerId: r.id, kind: 'api_key' })
      .first()) as ApiCredential;
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    db.on('query', onQuery);
    const found = await findCredential(db, cred.prefix);
    db.off('query', onQuery);
    expect(queries).toHaveLength(1);
    expect(found?.credential.toJSON()).toEqual(cred.toJSON());
    expect(found?.reseller.toJSON()).toEqual((await Reseller.query(db).findById(r.id))!.toJSON());
    expect(await findCredential(db, 'nosuchprefix')).toBeNull();
  });

  it('accepts an allowlisted API key and a Bearer token on /api/v1, and a token on /api/reseller/v1', async () => {
    const r = await makeReseller(db);
    const byKey = await call(`${api.url}/api/v1/domains`, withKey(r.apiKey));
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual({
      success: true,
      message: 'OK',
      data: { domains: [], pagination: { limit: 25, next_cursor: null } },
    });
    expect((await call(`${api.url}/api/v1/domains`, withBearer(r.token))).status).toBe(200);
    const status = await call(`${api.url}/api/reseller/v1/status`, withBearer(r.token));
    expect(status.status).toBe(200);
    expect(status.body['data']).toMatchObject({
      account: { id: r.id, status: 'active' },
      wallet: { currency: 'USD', available: { amount_minor: '0', amount: '0.00' } },
    });
  });

  it.each([
    ['no credential', {}, 'unauthenticated'],
    ['a malformed key', withKey('nope'), 'invalid_credentials'],
    ['a malformed bearer', withBearer('drk_123'), 'invalid_credentials'],
    ['an empty bearer', { headers: { Authorization: 'Bearer ' } }, 'invalid_credentials'],
  ])('answers 401 to %s', async (_name, init, code) => {
    const res = await call(`${api.url}/api/v1/domains`, init);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code });
  });

  it('answers 401 to a well-formed key with a wrong secret, and to a revoked key', async () => {
    const r = await makeReseller(db);
    const forged = `${r.apiKey.slice(0, -4)}AAAA`;
    expect((await call(`${api.url}/api/v1/domains`, withKey(forged))).status).toBe(401);
    // The forged call left the credential in the cache. A revoke by plain SQL reaches it when
    // Postgres delivers the `auth_changed` announcement, milliseconds after the commit (the
    // delivery is asynchronous, so the very next request may still be served from memory).
    const revokedAt = Date.now();
    await ApiCredential.query(db).patch({ revokedAt: new Date() }).where('resellerId', r.id);
    const revoked = await eventually(async () => {
      const res = await call(`${api.url}/api/v1/domains`, withKey(r.apiKey));
      return res.status === 401 ? res : null;
    }, 1_000);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(revoked.body['code']).toBe('invalid_credentials');
  });

  it('keeps token and key in their own headers', async () => {
    const r = await makeReseller(db);
    expect((await call(`${api.url}/api/v1/domains`, withKey(r.token))).status).toBe(401);
    expect((await call(`${api.url}/api/v1/domains`, withBearer(r.apiKey))).status).toBe(401);
    // The order/invoice surface is Bearer-only (seed 000).
    expect((await call(`${api.url}/api/reseller/v1/domains`, withKey(r.apiKey))).status).toBe(401);
  });

  it('blocks every credential on /api/v1 when the reseller whitelist is empty or lacks the caller (403), and honours CIDR ranges', async () => {
    const empty = await makeReseller(db, { ipAllowlist: [] });
    const blocked = await call(`${api.url}/api/v1/domains`, withKey(empty.apiKey));
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ success: false, code: 'ip_not_allowed' });

    const elsewhere = await makeReseller(db, { ipAllowlist: ['203.0.113.7'] });
    expect((await call(`${api.url}/api/v1/domains`, withKey(elsewhere.apiKey))).status).toBe(403);

    const range = await makeReseller(db, { ipAllowlist: ['127.0.0.0/8'] });
    expect((await call(`${api.url}/api/v1/domains`, withKey(range.apiKey))).status).toBe(200);

    // The reseller's whitelist holds for its Bearer tokens on /api/v1 too; the order/invoice
    // surface applies only a token's own list.
    expect((await call(`${api.url}/api/v1/domains`, withBearer(empty.token))).status).toBe(403);
    expect((await call(`${api.url}/api/reseller/v1/domains`, withBearer(empty.token))).status).toBe(200);
    expect((await call(`${api.url}/api/v1/domains`, withBearer(range.token))).status).toBe(200);
    // A token's own list narrows the whitelist further, on both surfaces.
    const restricted = await issueCredential(db, { resellerId: range.id }, 'token', {
      name: 't',
      ipAllowlist: ['203.0.113.7'],
    });
    expect((await call(`${api.url}/api/v1/domains`, withBearer(restricted.secret))).status).toBe(403);
    expect((await call(`${api.url}/api/reseller/v1/domains`, withBearer(restricted.secret))).status).toBe(
      403,
    );
  });

  it('rejects suspended resellers and admin accounts', async () => {
    const suspended = await makeReseller(db);
    await setResellerStatus(db, suspended.id, { status: 'suspended' });
    const res = await call(`${api.url}/api/v1/domains`, withKey(suspended.apiKey));
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('account_inactive');

    const admin = await makeReseller(db);
    await setResellerStatus(db, admin.id, { role: 'admin' });
    expect((await call(`${api.url}/api/reseller/v1/status`, withBearer(admin.token))).status).toBe(401);
  });

  it('enforces abilities per endpoint (403 ability_missing)', async () => {
    const r = await makeReseller(db, { abilities: ['domains.read'] });
    expect((await call(`${api.url}/api/reseller/v1/domains`, withBearer(r.token))).status).toBe(200);
    const status = await call(`${api.url}/api/reseller/v1/status`, withBearer(r.token));
    expect(status.status).toBe(403);
    expect(status.body).toMatchObject({ success: false, code: 'ability_missing' });
  });

  it('records when a credential was last used', async () => {
    const r = await makeReseller(db);
    await call(`${api.url}/api/v1/domains`, withKey(r.apiKey));
    const creds = await ApiCredential.query(db).where('resellerId', r.id).orderBy('id');
    expect(creds.find((c) => c.kind === 'api_key')?.lastUsedAt).toBeInstanceOf(Date);
    expect(creds.find((c) => c.kind === 'token')?.lastUsedAt).toBeNull();
  });
});

describe('GET /domains', () => {
  it("lists only the caller's domains, keyset-paginated in a stable order", async () => {
    const mine = await makeReseller(db);
    const other = await makeReseller(db);
    const stamp = Date.now();
    const names = Array.from({ length: 5 }, (_, i) => `mine-${stamp}-${i}.com`);
    for (const name of names) await Domain.query(db).insert({ resellerId: mine.id, name });
    await Domain.query(db).insert({ resellerId: other.id, name: `theirs-${stamp}.com` });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `&cursor=${cursor}` : '';
      const res = await call(`${api.url}/api/v1/domains?limit=2${qs}`, withKey(mine.apiKey));
      expect(res.status).toBe(200);
      const data = res.body['data'] as {
        domains: Array<{ domain_name: string }>;
        pagination: { next_cursor: string | null };
      };
      seen.push(...data.domains.map((d) => d.domain_name));
      cursor = data.pagination.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);

    const theirs = await call(`${api.url}/api/reseller/v1/domains`, withBearer(other.token));
    const theirNames = (theirs.body['data'] as { domains: Array<{ domain_name: string }> }).domains.map(
      (d) => d.domain_name,
    );
    expect(theirNames).toEqual([`theirs-${stamp}.com`]);
  });

  it('answers 422 with field errors for bad pagination input', async () => {
    const r = await makeReseller(db);
    const res = await call(`${api.url}/api/v1/domains?limit=0&cursor=not-a-cursor`, withKey(r.apiKey));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      success: false,
      message: 'The request could not be validated.',
      code: 'validation_error',
      errors: { limit: ['The limit must be at least 1.'], cursor: ['The cursor is not valid.'] },
    });
  });
});
