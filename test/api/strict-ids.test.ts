import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin, makeReseller, request, startTestApi, testDb, type TestApi } from '../helpers';

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

/** What `Number()` reads as the same id: each must be refused, never resolved to the reseller. */
const lookalikes = (id: number) => [
  `0x${id.toString(16)}`,
  `${id}e0`,
  `+${id}`,
  `${id}.0`,
  `0b${id.toString(2)}`,
  `0${id}`,
  ` ${id}`,
];

describe('ids in admin paths and queries are plain digits', () => {
  it('a reseller id written any other way is 422 with a field error, on reads and on writes, and changes nothing', async () => {
    const admin = await makeAdmin(db);
    const r = await makeReseller(db);
    expect((await request(api.url, `/api/admin/v1/resellers/${r.id}`, { token: admin.token })).status).toBe(
      200,
    );
    for (const raw of lookalikes(r.id)) {
      const path = `/api/admin/v1/resellers/${encodeURIComponent(raw)}`;
      const read = await request(api.url, path, { token: admin.token });
      expect(read.status, raw).toBe(422);
      expect(read.body, raw).toMatchObject({
        code: 'validation_error',
        errors: { reseller: ['Must be a positive whole number written in plain digits (e.g. 13).'] },
      });
      const suspend = await request(api.url, `${path}/suspend`, {
        token: admin.token,
        body: { reason: 'test' },
      });
      expect(suspend.status, raw).toBe(422);
      const adjust = await request(api.url, `${path}/wallet/adjustments`, {
        token: admin.token,
        key: `adj-${raw}`,
        body: { direction: 'credit', amount: '5.00', reason: 'test' },
      });
      expect(adjust.status, raw).toBe(422);
      const filtered = await request(api.url, `/api/admin/v1/review?reseller=${encodeURIComponent(raw)}`, {
        token: admin.token,
      });
      expect(filtered.status, raw).toBe(422);
    }
    expect(await db('resellers').where({ id: r.id }).first('status')).toEqual({ status: 'active' });
    expect(await db('ledger_entries').where({ resellerId: r.id })).toEqual([]);
  });

  it('an audit event id with a leading zero or sign is refused', async () => {
    const admin = await makeAdmin(db);
    for (const raw of ['01', '+1', '1e0', 'abc']) {
      const res = await request(
        api.url,
        `/api/admin/v1/review/events/${encodeURIComponent(raw)}/acknowledge`,
        {
          token: admin.token,
          body: {},
        },
      );
      expect(res.status, raw).toBe(422);
    }
  });
});
