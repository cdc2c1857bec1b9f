import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiLogRow, ApiLogWriter } from '../../src/api/http/api-log-writer';
import { createKnex } from '../../src/db/knex';
import { makeReseller, silentLog, testDb } from '../helpers';
import { pgProxy } from '../pg-proxy';

let db: Knex;

beforeAll(() => {
  db = testDb();
});

afterAll(async () => {
  await db.destroy();
});

function row(requestId: string, extra: Partial<ApiLogRow> = {}): ApiLogRow {
  return {
    requestId,
    resellerId: null,
    credentialId: null,
    method: 'GET',
    path: '/api/v1/domains',
    route: '/api/v1/domains',
    status: 200,
    ip: '127.0.0.1',
    durationMs: 1,
    requestHeaders: { accept: '*/*' },
    requestQuery: {},
    requestBody: null,
    responseBody: { success: true, data: [1, 2, 3] },
    errorCode: null,
    createdAt: new Date(),
    ...extra,
  };
}

async function stored(prefix: string): Promise<Array<{ requestId: string; requestBody: unknown }>> {
  return (await db('api_logs')
    .where('requestId', 'like', `${prefix}%`)
    .orderBy('id')
    .select('requestId', 'requestBody')) as Array<{ requestId: string; requestBody: unknown }>;
}

describe('api_logs writer', () => {
  it('writes queued rows in batches, every row once, in order', async () => {
    const writer = new ApiLogWriter(db, silentLog, { maxBatch: 200, flushMs: 50 });
    const inserts: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/^insert into "?api_logs"?/i.test(q.sql)) inserts.push(q.sql);
    };
    db.on('query', onQuery);
    const prefix = `batch-${Date.now()}-`;
    for (let i = 0; i < 1000; i += 1) writer.push(row(`${prefix}${String(i).padStart(4, '0')}`));
    await writer.close();
    db.off('query', onQuery);
    const rows = await stored(prefix);
    expect(rows.map((r) => r.requestId)).toEqual(
      Array.from({ length: 1000 }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`),
    );
    expect(inserts.length).toBe(5);
    expect(writer.pending).toBe(0);
  });

  it('writes a lone row within flushMs without being asked', async () => {
    const writer = new ApiLogWriter(db, silentLog, { flushMs: 20 });
    const prefix = `lone-${Date.now()}-`;
    writer.push(row(`${prefix}1`));
    await expect.poll(async () => (await stored(prefix)).length, { timeout: 2000 }).toBe(1);
    await writer.close();
  });

  it('keeps the rest of a batch when one row is refused, and stores NUL as U+FFFD', async () => {
    const r = await makeReseller(db);
    const writer = new ApiLogWriter(db, silentLog, { flushMs: 10_000 });
    const prefix = `bad-${Date.now()}-`;
    writer.push(row(`${prefix}1`, { resellerId: r.id, requestBody: { q: 'a\u0000b' } }));
    writer.push(row(`${prefix}2`, { resellerId: 2_000_000_000 })); // no such reseller: FK refuses it
    writer.push(row(`${prefix}3`, { requestBody: ['x', 'y'] }));
    await writer.close();
    const rows = await stored(prefix);
    expect(rows.map((x) => x.requestId)).toEqual([`${prefix}1`, `${prefix}3`]);
    expect(rows[0]!.requestBody).toEqual({ q: 'a\uFFFDb' });
    expect(rows[1]!.requestBody).toEqual(['x', 'y']);
    expect(writer.dropped).toBe(1);
  });

  it('keeps rows while the database is unreachable and writes them when it is back', async () => {
    const proxy = await pgProxy();
    const viaProxy = createKnex(proxy.url, { max: 2 });
    try {
      const writer = new ApiLogWriter(viaProxy, silentLog, { flushMs: 20, maxBatch: 10, maxBuffered: 50 });
      const prefix = `down-${Date.now()}-`;
      for (let i = 0; i < 60; i += 1) {
        writer.push(row(`${prefix}${String(i).padStart(2, '0')}`));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writer.flush(); // fails: the database is away
      // Full batches do not bypass the backoff while writes fail: a few attempts, not one a push.
      expect(proxy.refused).toBeLessThan(10);
      expect(writer.pending).toBe(50);
      expect(writer.dropped).toBe(10);
      expect(await stored(prefix)).toEqual([]);
      proxy.up = true;
      await writer.close();
      const rows = await stored(prefix);
      // The 10 oldest were dropped by the cap; the 50 kept were written once each, in order.
      expect(rows.map((x) => x.requestId)).toEqual(
        Array.from({ length: 50 }, (_, i) => `${prefix}${String(i + 10).padStart(2, '0')}`),
      );
    } finally {
      await viaProxy.destroy();
      await proxy.close();
    }
  });
});
