import { describe, expect, it } from 'vitest';
import { createKnex } from '../../src/db/knex';
import { request, retryWhileUnavailable, setResellerStatus } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, uniqueName, completedOrders } from '../order-helpers';
import { receiver } from '../receiver';
import { subscribedReseller } from '../scenarios';
import { poolDatabaseUrl } from '../pool';

// Credentials cached for 10 minutes: only the LISTEN/NOTIFY of auth changes can drop one sooner.
const h = useOrderHarness({ apiEnv: { RATE_LIMIT_POINTS: '100000', CREDENTIAL_CACHE_MS: '600000' } });

/**
 * Every backend of the app's database terminated, twice, while wallet orders and their webhooks
 * run (what a failover or a restart of the cluster does to each open connection): the API, the
 * worker's activities, the relay's LISTEN and the credential cache's reconnect by themselves.
 */
describe('Postgres connections cut under load', () => {
  it(
    'completes every order once, delivers every event once, and answers no 500',
    { timeout: 180_000 },
    async () => {
      const rx = await receiver(() => 200);
      const admin = createKnex(poolDatabaseUrl(), { max: 1 });
      try {
        const r = await subscribedReseller(h, rx.url);
        const names = Array.from({ length: 30 }, (_, i) => uniqueName(`pgcut${i}`));
        const statuses: number[] = [];
        let retried = 0;
        let cuts = 0;
        const terminate = async () => {
          const { rows } = await admin.raw<{ rows: Array<{ n: string }> }>(
            `SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          cuts += Number(rows[0]?.n ?? 0);
        };
        let next = 0;
        const started = Date.now();
        const clients = Array.from({ length: 5 }, async () => {
          while (next < names.length) {
            const name = names[next++]!;
            const send = () =>
              request(h.api.url, '/api/v1/domains/register', {
                apiKey: r.apiKey,
                key: `pgcut-${name}`,
                body: { domain_name: name, registrant: SEED_CONTACT },
              });
            const res = await retryWhileUnavailable(send, {
              attempts: 30,
              delayMs: 500,
              onRetry: () => (retried += 1),
            });
            statuses.push(res.status);
          }
        });
        const faults = (async () => {
          await new Promise((res) => setTimeout(res, 700));
          await terminate();
          await new Promise((res) => setTimeout(res, 1_500));
          await terminate();
        })();
        await Promise.all([...clients, faults]);
        expect(statuses.filter((s) => s >= 500)).toEqual([]);
        expect(statuses.filter((s) => s !== 201 && s !== 202)).toEqual([]);
        await eventually(async () => (await completedOrders(h.db, r.id)) === names.length, 90_000);
        const recovered = Date.now() - started;
        for (const name of names) expect(h.sim.count('register', name)).toBe(1);
        const events = (await h.db('events').where({ resellerId: r.id }).select('id')) as Array<{
          id: string;
        }>;
        expect(events).toHaveLength(names.length * 2);
        await eventually(() => events.every((e) => rx.accepted().get(e.id) === 1), 90_000);
        // Every request reached api_logs (the writer keeps its rows while Postgres is unreachable).
        await eventually(
          async () =>
            Number(
              (
                (await h
                  .db('apiLogs')
                  .where({ resellerId: r.id, route: '/api/v1/domains/register' })
                  .count('* as n')
                  .first()) as {
                  n: string;
                }
              ).n,
            ) >=
            names.length + retried,
          30_000,
        );
        // The credential cache listens again: a suspension refuses the cached key within a second.
        expect((await request(h.api.url, '/api/v1/domains', { apiKey: r.apiKey })).status).toBe(200);
        await setResellerStatus(h.db, r.id, { status: 'suspended' });
        const suspendedAt = Date.now();
        await eventually(
          async () =>
            (await request(h.api.url, '/api/v1/domains', { apiKey: r.apiKey })).body['code'] ===
            'account_inactive',
          5_000,
        );
        const refusedAfter = Date.now() - suspendedAt;
        console.log(
          `postgres cut: ${names.length} orders, ${cuts} backends terminated in 2 cuts; all completed ${recovered} ms after the first request; ${retried} request(s) retried after 503; ${events.length} events delivered once each; every request logged; a suspension refused the cached key after ${refusedAfter} ms`,
        );
      } finally {
        await admin.destroy();
        await rx.close();
      }
    },
  );
});
