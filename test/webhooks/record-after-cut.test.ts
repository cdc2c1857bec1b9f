import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKnex } from '../../src/db/knex';
import { makeReseller, request } from '../helpers';
import { useOrderHarness } from '../harness';
import { completedRegistration, eventually, SEED_CONTACT, topUp } from '../order-helpers';
import { poolDatabaseUrl } from '../pool';

const h = useOrderHarness();

/** A read of the test's own that meets a cut connection is read again. */
async function tolerant<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch {
    return null;
  }
}

/**
 * A receiver that answers 200 while the deliveries table is locked, and once the delivery's record
 * of that 200 waits on the lock, has every other connection of the database cut: the record fails
 * after the receiver has the event. The event must still reach it once: the record is written
 * again, never the POST sent again (found by the Postgres-cut fault test, where an event reached
 * its receiver twice).
 */
describe('a delivery whose record meets a cut database connection', () => {
  it(
    'is recorded once the database answers, and the receiver gets each event once',
    { timeout: 120_000 },
    async () => {
      const admin = createKnex(poolDatabaseUrl(), { max: 2 });
      const seen = new Map<string, number>();
      let cuts = 0;
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id;
          seen.set(id, (seen.get(id) ?? 0) + 1);
          // Once per event: a resent POST (the bug) is answered plainly and counted.
          if (seen.get(id)! > 1) {
            res.writeHead(200).end('ok');
            return;
          }
          void (async () => {
            const trx = await admin.transaction();
            await trx.raw('LOCK TABLE webhook_deliveries IN ACCESS EXCLUSIVE MODE');
            const { rows } = await trx.raw<{ rows: Array<{ pid: number }> }>(
              'SELECT pg_backend_pid() AS pid',
            );
            res.writeHead(200).end('ok');
            await new Promise((r) => setTimeout(r, 500));
            await admin.raw(
              `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ?`,
              [rows[0]!.pid],
            );
            cuts += 1;
            await trx.commit();
          })();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const r = await makeReseller(h.db);
        await topUp(h.db, r.id, 100_000n);
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
        expect(
          (await request(h.api.url, '/api/reseller/v1/webhooks', { token: r.token, body: { url } })).status,
        ).toBe(201);
        // The order's first event may be delivered (and the connections cut) before it completes:
        // this file's own reads ride out the cut.
        await completedRegistration(h, r.apiKey, 'record-cut', SEED_CONTACT, tolerant);
        const events = await eventually(async () => {
          const ids = await tolerant(
            () => h.db('events').where({ resellerId: r.id }).pluck('id') as Promise<string[]>,
          );
          return ids?.length === 2 ? ids : null;
        });
        await eventually(async () => {
          const rows = await tolerant(async () =>
            h.db('webhookJobs').whereIn('eventId', events).where({ status: 'delivered' }).select('id'),
          );
          return rows?.length === 2;
        }, 60_000);
        expect(cuts).toBeGreaterThanOrEqual(2);
        expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(events.map((id) => [id, 1])));
      } finally {
        server.closeAllConnections();
        server.close();
        await admin.destroy();
      }
    },
  );
});
