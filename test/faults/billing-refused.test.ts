import { describe, expect, it } from 'vitest';
import { request } from '../helpers';
import { runCli } from '../cli-helpers';
import { useOrderHarness } from '../harness';
import {
  balanceOf,
  completedOrders,
  eventually,
  SEED_CONTACT,
  uniqueName,
  withRefusedCapture,
} from '../order-helpers';
import { receiver } from '../receiver';
import { subscribedReseller } from '../scenarios';

const h = useOrderHarness({ apiEnv: { RATE_LIMIT_POINTS: '100000' } });

/**
 * The billing fault under load: the database refuses the capture of some orders (a trigger: a
 * constraint the data breaks) after the registrar registered them, while other orders and their
 * webhooks run. Those orders wait in the review queue with their funds held, and the operator's
 * `review:capture` completes them once the fault is gone.
 */
describe('the capture refused for some orders under load', () => {
  it(
    'holds their funds, reports no completion, and completes them once by review:capture',
    { timeout: 240_000 },
    async () => {
      const rx = await receiver(() => 200);
      try {
        const r = await subscribedReseller(h, rx.url);
        const names = Array.from({ length: 20 }, (_, i) => uniqueName(`billfault${i}`));
        const refused = names.filter((_, i) => i % 4 === 1);
        const statuses: number[] = [];
        const started = Date.now();
        await withRefusedCapture(h.db, refused, async () => {
          let next = 0;
          await Promise.all(
            Array.from({ length: 4 }, async () => {
              while (next < names.length) {
                const name = names[next++]!;
                const res = await request(h.api.url, '/api/v1/domains/register', {
                  apiKey: r.apiKey,
                  key: `bill-${name}`,
                  body: { domain_name: name, registrant: SEED_CONTACT },
                });
                statuses.push(res.status);
              }
            }),
          );
          await eventually(
            async () => (await completedOrders(h.db, r.id)) === names.length - refused.length,
            60_000,
          );
          await eventually(
            async () =>
              (await h.db('orders').where({ resellerId: r.id, status: 'billing_failed' }).select('id'))
                .length === refused.length,
            60_000,
          );
        });
        expect(statuses.filter((s) => s >= 500)).toEqual([]);
        for (const name of names) expect(h.sim.count('register', name)).toBe(1);
        const price = BigInt(
          (
            (await h.db('orders').where({ domainName: names[0] }).first('amountMinor')) as {
              amountMinor: string;
            }
          ).amountMinor,
        );
        // Held, not charged and not released.
        expect(await balanceOf(h.db, r.id)).toMatchObject({
          posted: 10_000_000n - BigInt(names.length - refused.length) * price,
          held: -BigInt(refused.length) * price,
        });
        // No completion reported for them: each order's processing, and completed for the others.
        expect(await h.db('events').where({ resellerId: r.id }).select('id')).toHaveLength(
          names.length + names.length - refused.length,
        );
        const review = await runCli(['review:list']);
        expect(review.code).toBe(0);
        const failed = (
          (await h
            .db('orders')
            .where({ resellerId: r.id, status: 'billing_failed' })
            .select('publicId')) as Array<{
            publicId: string;
          }>
        ).map((o) => o.publicId);
        expect(failed).toHaveLength(refused.length);
        for (const id of failed) expect(review.stdout).toContain(id);

        // The operator captures each once the fault is gone.
        const resolvedAt = Date.now();
        for (const id of failed) {
          const out = await runCli([
            'review:capture',
            '--order',
            id,
            '--reason',
            'the capture was refused by a fault',
          ]);
          expect(out.stdout).toContain(`order ${id} is completed (capture)`);
        }
        const resolveMs = Date.now() - resolvedAt;
        expect(await completedOrders(h.db, r.id)).toBe(names.length);
        expect(await balanceOf(h.db, r.id)).toMatchObject({
          posted: 10_000_000n - BigInt(names.length) * price,
          held: 0n,
        });
        for (const name of names) expect(h.sim.count('register', name)).toBe(1);
        const events = (await h.db('events').where({ resellerId: r.id }).pluck('id')) as string[];
        expect(events).toHaveLength(names.length * 2);
        await eventually(() => events.every((id) => rx.accepted().get(id) === 1), 60_000);
        console.log(
          `billing refused under load: ${names.length} orders, ${refused.length} captures refused after the registrar registered them (held, in review:list, no completion event); ${statuses.length} requests, 0 answered 5xx; review:capture completed the ${failed.length} in ${resolveMs} ms; every order registered once and charged once; ${events.length} events delivered once each (${Date.now() - started} ms in all)`,
        );
      } finally {
        await rx.close();
      }
    },
  );
});
