import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimDomain, SimOperation } from '../../simulators/registrar/server';
import { makeReseller, request, type JsonResponse } from '../helpers';
import { CLI, killGroup } from '../cli-helpers';
import { HARNESS_ACCOUNT, useOrderHarness } from '../harness';
import { completedOrders, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { receiver } from '../receiver';
import { createTestHost, type TestHost } from './netns';
import { subscribedReseller } from '../scenarios';

/**
 * The registrar on another host (a network namespace, test/faults/netns.ts) and the link between
 * it and our processes cut: packets dropped without an answer, as in a cloud network blip, the
 * client's timeout deciding. Once while orders run, and once right after the registrar applied a
 * registration, so that its answer is lost on the way.
 */
let host: TestHost | undefined;
let sim: ChildProcess | undefined;
let registrarUrl = '';

beforeAll(async () => {
  host = createTestHost();
  sim = host.spawn(CLI.command, [
    path.join(__dirname, 'registrar-process.ts'),
    host.address,
    '4040',
    HARNESS_ACCOUNT.level,
    String(HARNESS_ACCOUNT.windowMs),
  ]);
  registrarUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: sim!.stdout! }).once('line', resolve);
    sim!.once('exit', (code) => reject(new Error(`the registrar process exited with ${code}`)));
  });
}, 60_000);

// Registered before the harness's hooks, so it runs after them.
afterAll(() => {
  host?.restore();
  if (sim) killGroup(sim, 'SIGKILL');
  host?.destroy();
});

// Read when the harness starts, after the registrar's host is up.
const h = useOrderHarness({
  apiEnv: { RATE_LIMIT_POINTS: '100000' },
  get registrarUrl(): string {
    return registrarUrl;
  },
});

const admin = (p: string) => registrarUrl.replace('/api3.json', p);
const simState = async () =>
  (await (await fetch(admin('/__sim/state'))).json()) as {
    domains: SimDomain[];
    operations: SimOperation[];
    calls: Record<string, number>;
  };
const setFaults = async (faults: Record<string, unknown>) =>
  expect((await fetch(admin('/__sim/faults'), { method: 'PUT', body: JSON.stringify(faults) })).status).toBe(
    200,
  );
const registrations = (state: { operations: SimOperation[] }, name: string) =>
  state.operations.filter((o) => o.command === 'register' && o.domain === name).length;
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Places wallet orders from `clients` clients, resending on 503 as asked; returns every status seen. */
async function placeOrders(apiKey: string, names: string[], clients: number): Promise<number[]> {
  const seen: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < names.length) {
        const name = names[next++]!;
        for (let attempt = 0; ; attempt += 1) {
          const res: JsonResponse = await request(h.api.url, '/api/v1/domains/register', {
            apiKey,
            key: `link-${name}`,
            body: { domain_name: name, registrant: SEED_CONTACT },
          });
          seen.push(res.status);
          if (res.status !== 503 || attempt > 60) break;
          await sleep(500);
        }
      }
    }),
  );
  return seen;
}

describe('the link between our processes and the registrar cut', () => {
  it(
    'while orders run: each registered once, none stuck after the link returns, each event once',
    { timeout: 240_000 },
    async () => {
      const rx = await receiver(() => 200);
      try {
        const r = await subscribedReseller(h, rx.url);
        const names = Array.from({ length: 20 }, (_, i) => uniqueName(`linkcut${i}`));
        let cutMs = 0;
        let restoredAt = 0;
        const fault = (async () => {
          await sleep(1_000);
          host!.cut();
          const cutAt = Date.now();
          await sleep(5_000);
          host!.restore();
          restoredAt = Date.now();
          cutMs = restoredAt - cutAt;
        })();
        const started = Date.now();
        const [seen] = await Promise.all([placeOrders(r.apiKey, names, 4), fault]);
        expect(seen.filter((s) => s >= 500 && s !== 503)).toEqual([]);
        await eventually(async () => (await completedOrders(h.db, r.id)) === names.length, 120_000);
        const recovered = Date.now() - restoredAt;
        const state = await simState();
        for (const name of names) expect(registrations(state, name)).toBe(1);
        const events = (await h.db('events').where({ resellerId: r.id }).pluck('id')) as string[];
        expect(events).toHaveLength(names.length * 2);
        await eventually(() => events.every((id) => rx.accepted().get(id) === 1), 60_000);
        console.log(
          `registrar link cut: ${names.length} orders; link down ${cutMs} ms; ${seen.length} requests (${seen.filter((s) => s === 503).length} answered 503, ${seen.filter((s) => s === 202).length} accepted as 202); every order completed, registered once, ${recovered} ms after the link returned (${Date.now() - started} ms in all); ${events.length} events delivered once each`,
        );
      } finally {
        await rx.close();
      }
    },
  );

  it(
    'right after the registrar applied a registration: the answer lost on the way, settled from the account, never registered again',
    { timeout: 240_000 },
    async () => {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 10_000_000n);
      const names = Array.from({ length: 3 }, (_, i) => uniqueName(`linklost${i}`));
      // Each register is applied, then its answer held 1.5 s: the link is cut inside that window.
      await setFaults({ answerDelayMs: 1_500, commands: ['register'] });
      const before = (await simState()).calls;
      let cutMs = 0;
      const fault = (async () => {
        await eventually(async () => {
          const state = await simState();
          return names.some((n) => registrations(state, n) > 0);
        }, 30_000);
        host!.cut();
        const cutAt = Date.now();
        await sleep(4_000);
        host!.restore();
        cutMs = Date.now() - cutAt;
        await setFaults({ answerDelayMs: 0, commands: [] });
      })();
      const started = Date.now();
      const [seen] = await Promise.all([placeOrders(r.apiKey, names, 3), fault]);
      expect(seen.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      await eventually(async () => (await completedOrders(h.db, r.id)) === names.length, 120_000);
      const state = await simState();
      for (const name of names) expect(registrations(state, name)).toBe(1);
      // The wallet was charged once per order, and each domain is ours in the registrar's account.
      const debits = (await h
        .db('ledger_entries')
        .where({ resellerId: r.id, kind: 'hold', status: 'posted' })
        .count('* as n')
        .first()) as { n: string };
      expect(Number(debits.n)).toBe(names.length);
      for (const name of names) expect(state.domains.some((d) => d.name === name)).toBe(true);
      // Registered by one call each; the lost answers were settled by reading the account.
      const calls = (command: string) => (state.calls[command] ?? 0) - (before[command] ?? 0);
      expect(calls('register')).toBe(names.length);
      const reads = calls('list_domain') + calls('domain_info');
      expect(reads).toBeGreaterThan(0);
      console.log(
        `registrar answer lost after it applied: ${names.length} orders; link down ${cutMs} ms inside the answer's window; ${seen.length} requests; all completed ${Date.now() - started} ms after the first request, each registered by one call and charged once; ${reads} account reads settled the lost answers`,
      );
    },
  );
});
