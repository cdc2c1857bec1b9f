import Koa from 'koa';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBody } from '../../src/api/middleware/body';
import { createKnex } from '../../src/db/knex';
import { ApiLog } from '../../src/db/models';
import { REDACTED } from '../../src/redact';
import { call, makeReseller, startTestApi, testDb, type TestApi } from '../helpers';

let db: Knex;
let api: TestApi;

beforeAll(async () => {
  db = testDb();
  api = await startTestApi(db, { BODY_LIMIT: '2kb' });
});

afterAll(async () => {
  await api.close();
  await db.destroy();
});

describe('envelope and errors', () => {
  it('answers unknown routes with a 404 envelope', async () => {
    const res = await call(`${api.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: 'Not found.', code: 'not_found' });
  });

  it('answers a wrong method with 405', async () => {
    const r = await makeReseller(db);
    const res = await call(`${api.url}/api/v1/domains`, {
      method: 'DELETE',
      headers: { 'X-API-KEY': r.apiKey },
    });
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ success: false, code: 'method_not_allowed' });
  });

  it('answers malformed JSON with 400 invalid_body', async () => {
    const r = await makeReseller(db);
    const res = await call(`${api.url}/api/v1/domains`, {
      method: 'POST',
      headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
      body: '{"domain_name": ',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      message: 'The request body is not valid JSON or form data.',
      code: 'invalid_body',
    });
  });

  it('refuses bodies over the configured limit with 413', async () => {
    const res = await call(`${api.url}/api/v1/domains`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(4096) }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, code: 'payload_too_large' });
  });

  it('answers 503 database_unavailable with Retry-After while the database refuses connections', async () => {
    const r = await makeReseller(db);
    const down = createKnex('postgres://postgres@127.0.0.1:1/none', { max: 1 });
    const downApi = await startTestApi(db, {}, { db: down });
    try {
      const res = await call(`${downApi.url}/api/v1/domains`, { headers: { 'X-API-KEY': r.apiKey } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.body).toMatchObject({ success: false, code: 'database_unavailable' });
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|at .*\.ts/);
    } finally {
      await downApi.close();
      await down.destroy();
    }
  });

  it('answers an internal failure with a generic 500: no stack, no internal text', async () => {
    const r = await makeReseller(db);
    // A database that does not exist (a configuration fault) makes every authenticated request fail inside.
    const broken = createKnex('postgres://postgres@127.0.0.1:5432/no_such_database_here', { max: 1 });
    const brokenApi = await startTestApi(db, {}, { db: broken });
    try {
      const res = await call(`${brokenApi.url}/api/v1/domains`, { headers: { 'X-API-KEY': r.apiKey } });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        success: false,
        message: 'Unexpected server error.',
        code: 'internal_error',
        request_id: res.headers.get('x-request-id'),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|at .*\.ts|postgres/);
    } finally {
      await brokenApi.close();
      await broken.destroy();
    }
  });

  it('echoes a sane X-Request-Id and makes one otherwise', async () => {
    const given = await fetch(`${api.url}/healthz`, { headers: { 'X-Request-Id': 'req-12345678' } });
    expect(given.headers.get('x-request-id')).toBe('req-12345678');
    const made = await fetch(`${api.url}/healthz`, { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('answer headers', () => {
  it("marks API answers nosniff and leaves the browser pages' headers to the pages", async () => {
    const r = await makeReseller(db);
    const listed = await fetch(`${api.url}/api/v1/domains`, { headers: { 'X-API-KEY': r.apiKey } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(listed.headers.get('content-security-policy')).toBeNull();
    expect(listed.headers.get('x-frame-options')).toBeNull();
    const refused = await fetch(`${api.url}/api/v1/domains`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await fetch(`${api.url}/portal/sign-in`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('health', () => {
  it('reports liveness and readiness against the real database and Temporal', async () => {
    expect((await call(`${api.url}/healthz`)).body).toEqual({
      success: true,
      message: 'OK',
      data: { status: 'ok' },
    });
    const ready = await call(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body['data']).toEqual({ database: 'ok', temporal: 'ok' });
  });

  it('is not ready when Temporal is unreachable', async () => {
    const lonely = await startTestApi(db, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    try {
      const res = await call(`${lonely.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ success: false, data: { database: 'ok', temporal: 'unavailable' } });
    } finally {
      // The SDK retries the unanswered describeNamespace on timers that throw once their
      // connection is closed (an unhandled error seen in a full run): leave it open.
      await lonely.close({ keepTemporal: true });
    }
  });
});

describe('body parsing', () => {
  it('parses form bodies with domains[] into arrays (100 items) and keeps the raw body', async () => {
    const app = new Koa();
    app.use(parseBody('1mb'));
    app.use((ctx) => {
      const req = ctx.request as typeof ctx.request & { body?: unknown; rawBody?: string };
      ctx.body = { body: req.body, rawLength: req.rawBody?.length ?? null };
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      const names = Array.from({ length: 100 }, (_, i) => `name${i}.com`);
      const form = names.map((n) => `domains[]=${n}`).join('&') + '&years=1&privacy=full';
      const res = await call(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expect(res.body).toEqual({
        body: { domains: names, years: '1', privacy: 'full' },
        rawLength: form.length,
      });

      const json = await call(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ domains: ['a.com', 'b.com'] }),
      });
      expect(json.body['body']).toEqual({ domains: ['a.com', 'b.com'] });

      const proto = await call(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: '__proto__[admin]=1&constructor[prototype][admin]=1',
      });
      expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
      expect(proto.body['body']).not.toHaveProperty('__proto__.admin');
    } finally {
      server.close();
    }
  });
});

describe('rate limiting', () => {
  it('limits each credential and answers 429 with Retry-After', async () => {
    const limited = await startTestApi(db, { RATE_LIMIT_POINTS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      const a = await makeReseller(db);
      const b = await makeReseller(db);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push(
          (await call(`${limited.url}/api/v1/domains`, { headers: { 'X-API-KEY': a.apiKey } })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const res = await call(`${limited.url}/api/v1/domains`, { headers: { 'X-API-KEY': a.apiKey } });
      expect(res.body).toMatchObject({ success: false, code: 'rate_limited' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another credential has its own budget.
      expect(
        (await call(`${limited.url}/api/v1/domains`, { headers: { 'X-API-KEY': b.apiKey } })).status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('throttles repeated failed authentication from one IP', async () => {
    const limited = await startTestApi(db, { RATE_LIMIT_UNAUTHENTICATED_POINTS: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push(
          (await call(`${limited.url}/api/v1/domains`, { headers: { 'X-API-KEY': 'wrong' } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('request log', () => {
  it('records every API request with secrets removed from headers, query and body', async () => {
    const r = await makeReseller(db);
    const requestId = `log-test-${Date.now()}`;
    await call(`${api.url}/api/v1/domains?api_key=${r.apiKey}&limit=1`, {
      method: 'POST',
      headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json', 'X-Request-Id': requestId },
      body: JSON.stringify({
        domain_name: 'example.com',
        auth_code: 'EPP-SECRET-1',
        registrant: { name: 'Owner', password: 'hunter2' },
        contacts: [{ token: r.token }],
      }),
    });
    await api.flushLogs();
    const row = await ApiLog.query(db).findOne({ requestId });
    expect(row).toBeDefined();
    expect(row!.resellerId).toBe(r.id);
    expect(row!.status).toBe(405);
    expect(row!.errorCode).toBe('method_not_allowed');
    expect(row!.requestHeaders['x-api-key']).toBe(REDACTED);
    expect(row!.requestQuery).toEqual({ api_key: REDACTED, limit: '1' });
    expect(row!.requestBody).toEqual({
      domain_name: 'example.com',
      auth_code: REDACTED,
      registrant: { name: 'Owner', password: REDACTED },
      contacts: [{ token: REDACTED }],
    });
    const stored = JSON.stringify(row);
    for (const secret of [r.apiKey, r.token, 'EPP-SECRET-1', 'hunter2']) expect(stored).not.toContain(secret);
  });

  it('records failed authentication and failed validation too', async () => {
    const bad = `bad-key-${Date.now()}`;
    await call(`${api.url}/api/v1/domains`, { headers: { 'X-API-KEY': 'wrong', 'X-Request-Id': bad } });
    await api.flushLogs();
    const badRow = await ApiLog.query(db).findOne({ requestId: bad });
    expect(badRow).toMatchObject({ status: 401, errorCode: 'invalid_credentials', resellerId: null });
    expect(badRow!.requestHeaders['x-api-key']).toBe(REDACTED);

    const r = await makeReseller(db);
    const invalid = `invalid-${Date.now()}`;
    await call(`${api.url}/api/v1/domains?limit=abc`, {
      headers: { 'X-API-KEY': r.apiKey, 'X-Request-Id': invalid },
    });
    await api.flushLogs();
    const invalidRow = await ApiLog.query(db).findOne({ requestId: invalid });
    expect(invalidRow).toMatchObject({ status: 422, errorCode: 'validation_error', resellerId: r.id });
    expect(invalidRow!.route).toBe('/api/v1/domains');
    // An error keeps the body it answered, to say what the caller saw.
    expect(invalidRow!.responseBody).toMatchObject({ success: false });
  });

  it('keeps the response body of mutations and errors, not of successful reads', async () => {
    const r = await makeReseller(db);
    const read = `read-${Date.now()}`;
    const res = await call(`${api.url}/api/v1/domains`, {
      headers: { 'X-API-KEY': r.apiKey, 'X-Request-Id': read },
    });
    expect(res.status).toBe(200);
    const write = `write-${Date.now()}`;
    await call(`${api.url}/api/v1/account/ip-whitelist`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/json',
        'X-Request-Id': write,
      },
      body: JSON.stringify({ ips: ['127.0.0.1', '::1'] }),
    });
    await api.flushLogs();
    const readRow = await ApiLog.query(db).findOne({ requestId: read });
    expect(readRow).toMatchObject({ status: 200, route: '/api/v1/domains', responseBody: null });
    expect(readRow!.requestHeaders['x-api-key']).toBe(REDACTED);
    const writeRow = await ApiLog.query(db).findOne({ requestId: write });
    expect(writeRow!.status).toBeLessThan(300);
    expect(writeRow!.responseBody).toMatchObject({ success: true });
  });
});
