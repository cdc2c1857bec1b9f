import { describe, expect, it } from 'vitest';
import { makeReseller, request } from '../helpers';
import { HARNESS_WEBHOOKS, useOrderHarness } from '../harness';
import { eventually, topUp, uniqueName } from '../order-helpers';
import { receiver } from '../receiver';

const h = useOrderHarness({ apiEnv: { RATE_LIMIT_POINTS: '100000' } });

async function subscribe(token: string, url: string): Promise<void> {
  expect((await request(h.api.url, '/api/reseller/v1/webhooks', { token, body: { url } })).status).toBe(201);
}

/** A seeded generator: the same answers in every run. */
function seeded(seed: number): () => number {
  return () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
}

interface Body {
  id: string;
  type: string;
  sequence: number;
  data: { order_id?: string | null; invoice_id?: string };
}

describe('webhook lanes', () => {
  it(
    "delivers each order's events once and in sequence order to a receiver that fails at random, other orders in parallel",
    { timeout: 180_000 },
    async () => {
      const random = seeded(0x5eed1e55);
      const rx = await receiver(() => (random() < 0.35 ? 500 : 200));
      try {
        const r = await makeReseller(h.db);
        await topUp(h.db, r.id, 10_000_000n);
        await subscribe(r.token, rx.url);
        // 20 orders, each invoiced and then paid from the wallet: invoice.paid,
        // domain.order.processing and domain.order.completed about one order.
        const orders = await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const domain = uniqueName(`lane${i}`);
            const created = await request(h.api.url, '/api/reseller/v1/orders/register', {
              token: r.token,
              key: `lane-${domain}`,
              body: { domain, years: 1 },
            });
            expect(created.status).toBe(201);
            const order = (created.body['data'] as { order: { id: string; invoice: { id: string } } }).order;
            const pay = await request(h.api.url, `/api/reseller/v1/invoices/${order.invoice.id}/pay`, {
              token: r.token,
              key: `lane-pay-${domain}`,
              body: {},
            });
            expect(pay.status).toBe(200);
            return order.id;
          }),
        );
        const events = (await eventually(async () => {
          const rows = (await h.db('events').where({ resellerId: r.id }).select('id')) as unknown[];
          return rows.length === 60 ? rows : null;
        }, 60_000)) as Array<{ id: string }>;
        await eventually(() => rx.accepted().size === events.length, 150_000);
        // Let any duplicate still on its way arrive before counting.
        await new Promise((resolve) => setTimeout(resolve, 2_000));

        // What the receiver accepted, in the order it accepted it.
        const accepted = rx.got
          .filter((g) => g.status >= 200 && g.status < 300)
          .map((g) => JSON.parse(g.body) as Body);
        expect(accepted).toHaveLength(60);
        expect(new Set(accepted.map((b) => b.id)).size).toBe(60);
        const bySubject = new Map<string, Body[]>();
        for (const b of accepted) {
          const subject = b.data.order_id ?? `invoice:${b.data.invoice_id}`;
          bySubject.set(subject, [...(bySubject.get(subject) ?? []), b]);
        }
        expect([...bySubject.keys()].sort()).toEqual([...orders].sort());
        for (const [, got] of bySubject) {
          expect(got.map((b) => b.type)).toEqual([
            'invoice.paid',
            'domain.order.processing',
            'domain.order.completed',
          ]);
          const sequences = got.map((b) => b.sequence);
          expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        }
        // Nothing later in a lane was even attempted before the earlier one was accepted.
        const attempts = rx.got.map((g) => JSON.parse(g.body) as Body);
        for (const [, got] of bySubject) {
          for (let i = 1; i < got.length; i += 1) {
            const firstTry = attempts.findIndex((b) => b.id === got[i]!.id);
            const earlierAccepted = rx.got.findIndex(
              (g, at) => g.status === 200 && attempts[at]!.id === got[i - 1]!.id,
            );
            expect(firstTry).toBeGreaterThan(earlierAccepted);
          }
        }
        const failed = rx.got.filter((g) => g.status !== 200).length;
        expect(failed).toBeGreaterThan(0);
        console.log(
          `webhook lanes: 20 orders, 60 events accepted once each in lane order; ${rx.got.length} requests, ${failed} answered 500`,
        );
      } finally {
        await rx.close();
      }
    },
  );

  it(
    "holds a dead receiver's backlog to its endpoint's limit while another reseller's events go straight through",
    { timeout: 120_000 },
    async () => {
      // The dead receiver never answers (each attempt ends at the webhook timeout).
      const dead = await receiver(() => 200, { hang: true });
      const healthy = await receiver(() => 200);
      try {
        const slow = await makeReseller(h.db);
        const other = await makeReseller(h.db);
        await subscribe(slow.token, dead.url);
        await subscribe(other.token, healthy.url);
        const endpointOf = async (resellerId: number) =>
          ((await h.db('webhookEndpoints').where({ resellerId }).first('id')) as { id: number }).id;
        const deadEndpoint = await endpointOf(slow.id);
        const expiring = (resellerId: number, domain: string) => ({
          id: crypto.randomUUID(),
          resellerId,
          type: 'domain.expiring',
          payload: {
            domain_id: 1,
            domain_name: domain,
            expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
            threshold_days: 7,
            days_left: 7,
            auto_renew: false,
          },
        });
        // 300 events about 300 domains for the dead receiver: 300 lanes, all ready at once.
        await h
          .db('events')
          .insert(Array.from({ length: 300 }, () => expiring(slow.id, uniqueName('backlog'))));
        await eventually(
          async () =>
            Number(
              (
                (await h.db('webhookJobs').where({ endpointId: deadEndpoint }).count('* as n').first()) as {
                  n: string;
                }
              ).n,
            ) === 300,
          30_000,
        );
        // The healthy receiver's 10 events, after the backlog.
        const sent = Date.now();
        const healthyEvents = Array.from({ length: 10 }, () => expiring(other.id, uniqueName('healthy')));
        await h.db('events').insert(healthyEvents);
        await eventually(() => healthy.accepted().size === 10, 30_000);
        const waited = Date.now() - sent;
        // Started and unfinished at the dead endpoint: never more than its limit.
        const inFlight = Number(
          (
            (await h
              .db('webhookJobs')
              .where({ endpointId: deadEndpoint, status: 'pending' })
              .whereNotNull('startedAt')
              .count('* as n')
              .first()) as { n: string }
          ).n,
        );
        expect(inFlight).toBe(HARNESS_WEBHOOKS.endpointMaxInFlight);
        const tried = new Set(dead.got.map((g) => (JSON.parse(g.body) as Body).id));
        expect(tried.size).toBeLessThanOrEqual(HARNESS_WEBHOOKS.endpointMaxInFlight);
        console.log(
          `webhook fairness: 10 events to a healthy endpoint delivered in ${waited} ms behind a dead endpoint's 300 (${inFlight} started there)`,
        );
      } finally {
        await dead.close();
        await healthy.close();
      }
    },
  );
});
