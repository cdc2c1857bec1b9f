import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { DEMO_CATALOG, upsertPrices } from '../../src/services/catalog';
import { makeReseller, request, retryWhileUnavailable } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName, completedOrders } from '../order-helpers';

/**
 * The app's Postgres cluster stopped and started under load: a cluster of the test's own
 * (`initdb` + `pg_ctl` on another port, never the machine's shared one) holds the app's data.
 */
const BIN = '/usr/lib/postgresql/15/bin';
const dir = mkdtempSync(path.join(tmpdir(), 'dr-pg-fault-'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
// Postgres refuses to run as root: as root, the cluster runs as the postgres user.
const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
const pgctl = (...args: string[]) => {
  const [cmd, ...rest] = [...asPostgres, `${BIN}/pg_ctl`, '-D', path.join(dir, 'data'), ...args];
  execFileSync(cmd!, rest, { stdio: 'ignore' });
};

beforeAll(async () => {
  if (asPostgres.length) execFileSync('chown', ['postgres', dir]);
  const [cmd, ...rest] = [
    ...asPostgres,
    `${BIN}/initdb`,
    '-D',
    path.join(dir, 'data'),
    '-U',
    'postgres',
    '-A',
    'trust',
  ];
  execFileSync(cmd!, rest, { stdio: 'ignore' });
  pgctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start');
  const db = createKnex(url, { max: 1 });
  await migrateLatest(db);
  await upsertPrices(db, DEMO_CATALOG);
  await db.destroy();
}, 120_000);

// Registered before the harness's hooks, so it runs after them (vitest runs afterAll in reverse):
// the harness checks the ledger on this cluster before it is stopped.
afterAll(() => {
  try {
    pgctl('-m', 'immediate', 'stop');
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
});

const h = useOrderHarness({ db: createKnex(url, { max: 10 }), apiEnv: { RATE_LIMIT_POINTS: '100000' } });

describe('the Postgres cluster restarted under load', () => {
  it(
    'answers 503 at most, completes every order once, and recovers by itself',
    { timeout: 240_000 },
    async () => {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 10_000_000n);
      const names = Array.from({ length: 20 }, (_, i) => uniqueName(`pgrestart${i}`));
      const statuses: number[] = [];
      const seen: number[] = [];
      let next = 0;
      const started = Date.now();
      const clients = Array.from({ length: 4 }, async () => {
        while (next < names.length) {
          const name = names[next++]!;
          const res = await retryWhileUnavailable(
            async () => {
              const answer = await request(h.api.url, '/api/v1/domains/register', {
                apiKey: r.apiKey,
                key: `pgrestart-${name}`,
                body: { domain_name: name, registrant: SEED_CONTACT },
              });
              seen.push(answer.status);
              return answer;
            },
            { attempts: 60, delayMs: 500 },
          );
          statuses.push(res.status);
          await new Promise((res) => setTimeout(res, 300));
        }
      });
      // A reader through the whole fault: what a client sees while the database is gone.
      const reads: number[] = [];
      let reading = true;
      const reader = (async () => {
        while (reading) {
          reads.push((await request(h.api.url, '/api/v1/domains', { apiKey: r.apiKey })).status);
          await new Promise((res) => setTimeout(res, 100));
        }
      })();
      const fault = (async () => {
        await new Promise((res) => setTimeout(res, 500));
        pgctl('-m', 'fast', '-w', 'stop');
        const down = Date.now();
        await new Promise((res) => setTimeout(res, 3_000));
        pgctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start');
        return Date.now() - down;
      })();
      const [downMs] = await Promise.all([fault, ...clients]);
      await new Promise((res) => setTimeout(res, 1_000));
      reading = false;
      await reader;
      expect(reads.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      expect(reads.at(-1)).toBe(200);
      expect(seen.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(statuses.filter((s) => s !== 201 && s !== 202)).toEqual([]);
      await eventually(async () => (await completedOrders(h.db, r.id)) === names.length, 120_000);
      for (const name of names) expect(h.sim.count('register', name)).toBe(1);
      console.log(
        `postgres restart: ${names.length} orders; down ${downMs} ms; ${seen.length} requests, ${seen.filter((s) => s === 503).length} answered 503; reads ${JSON.stringify(reads.reduce<Record<number, number>>((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {}))}; all completed ${Date.now() - started} ms after the first request`,
      );
    },
  );
});
