import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/services/ledger-check';
import { freePort } from '../../src/utils/ports';
import { makeReseller } from '../helpers';
import { killGroup, runCli } from '../cli-helpers';
import { spawnAgainst, useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { receiver } from '../receiver';
import { DEFAULT_TASK_QUEUES as Q } from '../../workflows/contracts';

const FULL = process.env['RELIABILITY_SCALE'] === 'full';
const BATCH = FULL ? 30 : 8;

// The production topology on one Temporal and one Postgres: two API processes behind a
// balancer, and workers split by queue (two provisioning, one webhooks, one default), each a
// process of its own. Nothing of the harness runs orders or delivers webhooks.
const h = useOrderHarness({ inProcessWorker: false, relay: false });
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const c of children) killGroup(c, 'SIGKILL');
});

function spawnCli(command: 'api' | 'worker', extra: Record<string, string>): ChildProcess {
  const child = spawnAgainst(
    h,
    command,
    {
      RATE_LIMIT_POINTS: '100000',
      ORDER_ACCEPT_WAIT_MS: '0',
      // WORKFLOW_ANSWER_TIMEOUT_MS at its default (30 s), as production runs.
      WEBHOOK_BACKOFF_BASE_SECONDS: '1',
      WEBHOOK_DISPATCH_INTERVAL_MS: '200',
      WEBHOOK_SWEEP_INTERVAL_MS: '1000',
      WEBHOOK_SWEEP_GRACE_SECONDS: '5',
      // A balancer that checks /readyz every 200 ms sees the 503 well inside the delay.
      API_DRAIN_DELAY_MS: '1000',
      WORKER_SHUTDOWN_GRACE_MS: '20000',
      ...extra,
    },
    { direct: true },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const worker = (queues: string) => spawnCli('worker', { WORKER_QUEUES: queues });

async function api(port: number): Promise<ChildProcess> {
  const child = spawnCli('api', { PORT: String(port), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok ?? null, 60_000);
  return child;
}

/** SIGTERM, as a deploy stops a process; resolves with its exit code once it has drained and exited. */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    killGroup(child, 'SIGTERM');
  });
}

/**
 * A load balancer in front of the APIs: it checks each one's /readyz every 200 ms and sends only
 * to those ready; a refused connection (the API was stopping) is resent to the next one. Every
 * attempt's outcome is kept.
 */
function balancer(urls: string[]) {
  const ready = new Map(urls.map((u) => [u, true]));
  // Each API's readiness as the balancer saw it change: ready, draining (503), refused.
  const seen = new Map<string, string[]>(urls.map((u) => [u, ['ready']]));
  const saw = (u: string, state: string) => {
    const states = seen.get(u)!;
    if (states.at(-1) !== state) states.push(state);
    ready.set(u, state === 'ready');
  };
  const outcomes: string[] = [];
  const timer = setInterval(() => {
    for (const u of urls)
      void fetch(`${u}/readyz`).then(
        async (r) => {
          const body = (await r.json().catch(() => ({}))) as { code?: string };
          saw(u, r.ok ? 'ready' : (body.code ?? String(r.status)));
        },
        (err: Error & { cause?: { code?: string } }) =>
          saw(u, err.cause?.code === 'ECONNREFUSED' ? 'refused' : (err.cause?.code ?? err.message)),
      );
  }, 200);
  return {
    outcomes,
    seen,
    close: () => clearInterval(timer),
    async post(first: number, path: string, headers: Record<string, string>, body: unknown): Promise<number> {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const url = [...urls.slice(first % urls.length), ...urls.slice(0, first % urls.length)].find((u) =>
          ready.get(u),
        );
        if (!url) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }).catch((err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message);
        if (typeof res === 'string') {
          outcomes.push(res);
          if (res === 'ECONNREFUSED') continue;
          throw new Error(`${path}: ${res}`);
        }
        const answer = await res.text();
        outcomes.push(res.ok ? String(res.status) : `${res.status} ${answer.slice(0, 300)}`);
        return res.status;
      }
      throw new Error(`${path}: no API took it`);
    },
  };
}

describe('a deploy of the production topology', () => {
  it(
    'names who polls what; keeps orders completing while the webhooks worker is killed, then delivers; an API and two workers restarted by SIGTERM lose and repeat nothing',
    { timeout: 600_000 },
    async () => {
      const hooks = await receiver(() => 200, { delayMs: 300 });
      const ports = [await freePort(), await freePort()];
      const urls = ports.map((p) => `http://127.0.0.1:${p}`);
      const procs = {
        provisioning: [worker('provisioning'), worker('provisioning')],
        default: worker('default'),
        apis: await Promise.all(ports.map((p) => api(p))),
      };
      const lb = balancer(urls);
      try {
        const r = await makeReseller(h.db);
        await topUp(h.db, r.id, 1_299n * BigInt(2 * BATCH));
        const hook = await lb.post(
          0,
          '/api/reseller/v1/webhooks',
          { Authorization: `Bearer ${r.token}` },
          { url: hooks.url },
        );
        expect(hook).toBe(201);
        const order = (n: number, domain: string) =>
          lb.post(
            n,
            '/api/v1/domains/register',
            { 'X-API-KEY': r.apiKey, 'Idempotency-Key': `drain-${domain}` },
            { domain_name: domain, registrant: SEED_CONTACT },
          );
        const completed = async (n: number) => {
          await eventually(async () => {
            const [row] = await h
              .db('orders')
              .where({ resellerId: r.id, status: 'completed' })
              .count<{ count: string }[]>('* as count');
            return Number(row!.count) === n || null;
          }, 300_000);
        };

        // 1. doctor names who polls what, by identity (pid@host worker(kinds)).
        let webhooks = worker('webhooks');
        // Each queue's line names our workers by pid (pollers other files' workers left in this
        // namespace in the last minutes are listed too, by their own identities).
        const names = (pid: number | undefined, kinds: string) =>
          new RegExp(`\\b${pid}@\\S+ worker\\(${kinds}\\)`);
        const expected = {
          provisioning: procs.provisioning.map((p) => names(p.pid, 'provisioning')),
          webhooks: [names(webhooks.pid, 'webhooks')],
          default: [names(procs.default.pid, 'default')],
        };
        await eventually(async () => {
          const doctor = await runCli(['doctor']);
          const line = (queue: string, type: string) =>
            doctor.stdout.split('\n').find((l) => l.includes(`queue ${queue} (${type})`)) ?? '';
          const lines = {
            provisioning: [
              line(Q.provisioning, 'workflow'),
              line(Q.provisioning, 'activity'),
              line(`${Q.provisioning}-registrar`, 'activity'),
            ],
            webhooks: [line(Q.webhooks, 'workflow'), line(Q.webhooks, 'activity')],
            default: [line(Q.default, 'workflow'), line(Q.default, 'activity')],
          };
          return (
            (Object.keys(expected) as Array<keyof typeof expected>).every((kind) =>
              lines[kind].every((l) => expected[kind].every((re) => re.test(l))),
            ) || null
          );
        }, 60_000);

        // 2. The webhooks worker killed: orders still complete, their events wait (nothing reaches
        // the receiver).
        await new Promise<void>((resolve) => {
          webhooks.once('exit', () => resolve());
          killGroup(webhooks, 'SIGKILL');
        });
        const first = Array.from({ length: BATCH }, () => uniqueName('drain'));
        expect(
          (await Promise.all(first.map((d, n) => order(n, d)))).every((s) => s === 202 || s === 201),
        ).toBe(true);
        await completed(BATCH);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        expect(hooks.got).toHaveLength(0);
        const waiting = (await h.db('events').where({ resellerId: r.id }).pluck('id')) as string[];
        expect(waiting.length).toBeGreaterThanOrEqual(BATCH);

        // 3. The webhooks worker returns: the waiting deliveries drain.
        webhooks = worker('webhooks');
        await eventually(() => waiting.every((id) => hooks.accepted().has(id)) || null, 180_000);

        // 4. A deploy under load: while the second batch is placed, provisioned and delivered, one
        // API, one provisioning worker and the webhooks worker are stopped by SIGTERM and started again.
        h.sim.setFaults({ latencyMs: 200 });
        const second = Array.from({ length: BATCH }, () => uniqueName('drain'));
        const placed = Promise.all(
          second.map(async (d, n) => {
            await new Promise((resolve) => setTimeout(resolve, n * 150));
            return order(n, d);
          }),
        );
        await eventually(
          async () =>
            (await h.db('orders').where({ resellerId: r.id, status: 'processing' }).first('id')) as unknown,
          60_000,
        );
        // The webhooks worker is stopped with a delivery in flight (the receiver answers in 300 ms).
        await eventually(() => hooks.inFlight() > 0 || null, 60_000);
        const exits = await Promise.all([
          stop(procs.apis[0]!).then(async (code) => {
            procs.apis[0] = await api(ports[0]!);
            return code;
          }),
          stop(procs.provisioning[0]!).then((code) => {
            procs.provisioning[0] = worker('provisioning');
            return code;
          }),
          stop(webhooks).then((code) => {
            webhooks = worker('webhooks');
            return code;
          }),
        ]);
        // Each drained and exited cleanly: none was killed.
        expect(exits).toEqual([0, 0, 0]);
        const statuses = await placed;
        expect(
          statuses.filter((s) => s !== 202 && s !== 201),
          lb.outcomes.join('\n'),
        ).toEqual([]);
        await completed(2 * BATCH);
        h.sim.setFaults({ latencyMs: 0 });

        // The balancer saw the stopped API answer /readyz 503 `draining` before its port refused,
        // then the new one ready; the other API ready throughout.
        await eventually(() => lb.seen.get(urls[0]!)!.at(-1) === 'ready' || null, 10_000);
        expect(lb.seen.get(urls[0]!)).toEqual(['ready', 'draining', 'refused', 'ready']);
        expect(lb.seen.get(urls[1]!)).toEqual(['ready']);
        // Every request was answered; the only failures were refused connections, resent.
        expect(lb.outcomes.filter((o) => !['201', '202', 'ECONNREFUSED'].includes(o))).toEqual([]);
        // Every order once: registered once, debited once, no hold left.
        expect([...first, ...second].map((d) => h.sim.count('register', d))).toEqual(
          Array.from({ length: 2 * BATCH }, () => 1),
        );
        expect(await balanceOf(h.db, r.id)).toEqual({ currency: 'USD', posted: 0n, held: 0n, available: 0n });
        expect(await checkLedger(h.db)).toEqual([]);

        // Every event delivered and recorded once, and no receiver got one twice: the webhooks
        // worker finished its deliveries in flight before it exited.
        const events = (await h.db('events').where({ resellerId: r.id }).pluck('id')) as string[];
        await eventually(() => events.every((id) => hooks.accepted().has(id)) || null, 180_000);
        const jobsOf = async () =>
          (await h
            .db('webhook_jobs as j')
            .join('events as e', 'e.id', 'j.eventId')
            .where('e.resellerId', r.id)
            .select('j.eventId', 'j.status')) as Array<{ eventId: string; status: string }>;
        // Recorded delivered once the receiver's answer is back in the workflow (just after it answers).
        await eventually(
          async () => (await jobsOf()).every((j) => j.status === 'delivered') || null,
          30_000,
        ).catch(() => undefined);
        const jobs = await jobsOf();
        expect(jobs.filter((j) => j.status !== 'delivered')).toEqual([]);
        expect(jobs).toHaveLength(events.length);
        const repeats = [...hooks.accepted().entries()].filter(([, n]) => n > 1);
        const refused = lb.outcomes.filter((o) => o === 'ECONNREFUSED').length;
        console.log(
          `deploy drain: ${2 * BATCH} orders, ${events.length} events; API, provisioning and webhooks workers ` +
            `restarted by SIGTERM; ${lb.outcomes.length} attempts, ${refused} refused connection(s) resent, ` +
            `${repeats.length} repeated delivery(ies)`,
        );
        expect(repeats).toEqual([]);
        procs.provisioning.push(webhooks);
      } finally {
        lb.close();
        h.sim.setFaults({ latencyMs: 0 });
        for (const c of children) killGroup(c, 'SIGKILL');
        await hooks.close();
      }
    },
  );
});
