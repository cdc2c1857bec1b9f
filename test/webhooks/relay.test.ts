import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities } from '../../activities/webhooks';
import { SecretBox } from '../../src/secrets';
import { checkWebhooks } from '../../src/services/webhook-check';
import { dispatchEvents } from '../../src/webhooks/dispatcher';
import { admitJobs } from '../../src/webhooks/lanes';
import { sweepWebhookJobs } from '../../src/webhooks/relay';
import { call, makeReseller } from '../helpers';
import { runCli } from '../cli-helpers';
import { HARNESS_WEBHOOKS, TEST_SECRETS_KEY, useOrderHarness } from '../harness';
import { eventually } from '../order-helpers';
import { receiver } from '../receiver';

// No relay in this file: each test dispatches (and sweeps) itself, at the moment it chooses.
const h = useOrderHarness({ relay: false });

async function endpointFor(token: string, url: string): Promise<string> {
  const res = await call(`${h.api.url}/api/reseller/v1/webhooks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  expect(res.status).toBe(201);
  return (res.body['data'] as { webhook: { id: string } }).webhook.id;
}

const opts = {
  taskQueue: HARNESS_WEBHOOKS.taskQueue,
  endpointMaxInFlight: HARNESS_WEBHOOKS.endpointMaxInFlight,
  backoffBaseSeconds: HARNESS_WEBHOOKS.backoffBaseSeconds,
  horizonSeconds: 120,
};

/** The relay's tick, by hand: fan out the outbox, then start what may start. */
async function relay(temporal: Client = h.temporal): Promise<void> {
  while ((await dispatchEvents(h.db)) > 0) {
    // drain
  }
  while ((await admitJobs(h.db, temporal, opts)) > 0) {
    // admit
  }
}

// The database is shared with the files that ran before: fan out whatever events they left
// undispatched first, so each test below dispatches only what it wrote.
beforeAll(async () => {
  await relay();
});

async function endpointId(publicId: string): Promise<number> {
  return ((await h.db('webhookEndpoints').where({ publicId }).first('id')) as { id: number }).id;
}

async function jobOf(eventId: string) {
  return (await h.db('webhookJobs').where({ eventId }).first()) as {
    id: string;
    run: number;
    status: string;
    attempts: number;
  };
}

async function expiringEvent(resellerId: number): Promise<string> {
  const id = randomUUID();
  await h.db('events').insert({
    id,
    resellerId,
    type: 'domain.expiring',
    payload: {
      domain_id: 1,
      domain_name: 'relay-test.com',
      expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      threshold_days: 7,
      days_left: 7,
      auto_renew: false,
    },
  });
  return id;
}

/**
 * A Temporal client whose `workflow.start` returns only once the started workflow has finished
 * (or 8 s passed): whatever the relay still holds uncommitted at that point stays uncommitted
 * while the delivery runs, every time.
 */
function clientThatWaitsForEachDelivery(real: Client): Client {
  const workflow = {
    start: async (...args: Parameters<Client['workflow']['start']>) => {
      const handle = await real.workflow.start(...args);
      await Promise.race([
        handle.result().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 8_000)),
      ]);
      return handle;
    },
  };
  return { workflow } as unknown as Client;
}

describe('event relay', () => {
  it('starts a delivery only once its job is committed, so the receiver gets the event', async () => {
    const rx = await receiver(() => 200);
    try {
      const r = await makeReseller(h.db);
      await endpointFor(r.token, rx.url);
      const eventId = await expiringEvent(r.id);
      await relay(clientThatWaitsForEachDelivery(h.temporal));
      await eventually(() => rx.accepted().get(eventId) === 1, 15_000);
      expect(rx.accepted().get(eventId)).toBe(1);
      const after = await jobOf(eventId);
      expect(after).toMatchObject({ status: 'delivered', attempts: 1 });
    } finally {
      await rx.close();
    }
  });

  it('treats a job or event it cannot find as an error to retry, never as delivered', async () => {
    const activities = createWebhookActivities({
      db: h.db,
      secrets: new SecretBox(TEST_SECRETS_KEY),
      webhooks: { timeoutMs: 2_000, allowPrivateTargets: true },
    });
    await expect(activities.deliverWebhook('999999999')).rejects.toThrow(/not found/);
  });

  it('makes no attempt while an earlier event of the same lane is pending (a resent one goes first), then delivers', async () => {
    const rx = await receiver(() => 200);
    try {
      const r = await makeReseller(h.db);
      const endpoint = await endpointId(await endpointFor(r.token, rx.url));
      const earlier = await expiringEvent(r.id);
      const later = await expiringEvent(r.id);
      // Both about relay-test.com: one lane. The earlier one was resent and is pending again.
      await h.db('events').whereIn('id', [earlier, later]).update({ dispatchedAt: h.db.fn.now() });
      const sequenceOf = async (id: string) =>
        ((await h.db('events').where({ id }).first('sequence')) as { sequence: string }).sequence;
      for (const id of [earlier, later])
        await h.db('webhookJobs').insert({
          eventId: id,
          endpointId: endpoint,
          subject: 'domain:relay-test.com',
          sequence: await sequenceOf(id),
          startedAt: h.db.fn.now(),
        });
      const activities = createWebhookActivities({
        db: h.db,
        secrets: new SecretBox(TEST_SECRETS_KEY),
        webhooks: { timeoutMs: 2_000, allowPrivateTargets: true },
      });
      const laterJob = await jobOf(later);
      expect(await activities.deliverWebhook(laterJob.id, endpoint)).toBe('waiting');
      expect(rx.got).toHaveLength(0);
      expect(await jobOf(later)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await activities.deliverWebhook((await jobOf(earlier)).id, endpoint)).toBe('delivered');
      expect(await activities.deliverWebhook(laterJob.id, endpoint)).toBe('delivered');
      expect(rx.got.map((g) => (JSON.parse(g.body) as { id: string }).id)).toEqual([earlier, later]);
    } finally {
      await rx.close();
    }
  });

  it('sweeps pending jobs with no live delivery: a start lost after the commit, a workflow that ended without an outcome', async () => {
    let answer = 200;
    const rx = await receiver(() => answer);
    try {
      const r = await makeReseller(h.db);
      const endpoint = await endpointId(await endpointFor(r.token, rx.url));

      // (a) The relay claimed the job and died before starting its workflow.
      const lostStart = await expiringEvent(r.id);
      await h.db('events').where({ id: lostStart }).update({ dispatchedAt: h.db.fn.now() });
      await h
        .db('webhookJobs')
        .insert({ eventId: lostStart, endpointId: endpoint, startedAt: h.db.fn.now() });

      // (b) A delivery that was retrying when its workflow was terminated: the job stays pending.
      answer = 500;
      const ended = await expiringEvent(r.id);
      await relay();
      const endedJob = await jobOf(ended);
      await eventually(
        async () => (await h.db('webhookDeliveries').where({ jobId: endedJob.id })).length > 0,
      );
      await h.temporal.workflow
        .getHandle(`webhook:${endedJob.id}:1`)
        .terminate('test: the delivery ended without an outcome');
      answer = 200;

      const lostJob = await jobOf(lostStart);
      const ours = (findings: Array<{ detail: string }>) =>
        findings.filter((f) => [lostJob.id, endedJob.id].some((id) => f.detail.includes(`job ${id} `)));
      const before = ours(await checkWebhooks(h.db, h.temporal, { graceSeconds: 0 }));
      expect(before.map((f) => f.detail).sort()).toEqual(
        [
          `job ${endedJob.id} is pending but its workflow webhook:${endedJob.id}:1 is TERMINATED (webhooks:retry-failed)`,
          `job ${lostJob.id} is pending but its workflow webhook:${lostJob.id}:1 is NOT_FOUND (webhooks:retry-failed)`,
        ].sort(),
      );

      const swept = await sweepWebhookJobs(h.db, h.temporal, { ...opts, graceSeconds: 0 });
      expect(swept.started).toBeGreaterThanOrEqual(1);
      expect(swept.restarted).toBeGreaterThanOrEqual(1);
      await eventually(() => rx.accepted().get(lostStart) === 1 && rx.accepted().get(ended) === 1, 15_000);
      // The receiver answers before the delivery's run records it: wait for the record, not the answer.
      await eventually(
        async () =>
          (await jobOf(lostStart)).status === 'delivered' && (await jobOf(ended)).status === 'delivered',
        15_000,
      );
      expect(await jobOf(lostStart)).toMatchObject({ status: 'delivered', run: 1 });
      expect(await jobOf(ended)).toMatchObject({ status: 'delivered', run: 2 });
      expect(ours(await checkWebhooks(h.db, h.temporal, { graceSeconds: 0 }))).toEqual([]);

      // Sweeping again sends nothing more.
      await sweepWebhookJobs(h.db, h.temporal, { ...opts, graceSeconds: 0 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect([rx.accepted().get(lostStart), rx.accepted().get(ended)]).toEqual([1, 1]);
    } finally {
      await rx.close();
    }
  });

  it('doctor exits non-zero for a dispatched event with no job for a subscribed endpoint, and clean after a replay', async () => {
    const rx = await receiver(() => 200);
    try {
      const r = await makeReseller(h.db);
      await endpointFor(r.token, rx.url);
      const eventId = await expiringEvent(r.id);
      // Fanned out with no job written: what a relay bug would leave.
      await h
        .db('events')
        .where({ id: eventId })
        .update({ dispatchedAt: h.db.raw("now() + interval '1 second'") });
      const sick = await runCli(['doctor', '--webhooks']);
      expect(sick.code).toBe(1);
      expect(sick.stdout).toMatch(/^FAIL\s+webhooks/m);
      expect(sick.stdout).toContain(`missing delivery job: event ${eventId} (domain.expiring) has no job`);

      const replay = await runCli(['webhooks:replay', '--event', eventId]);
      expect(replay.code).toBe(0);
      await eventually(() => rx.accepted().get(eventId) === 1, 15_000);
      const healed = await runCli(['doctor', '--webhooks']);
      expect(healed.stdout).not.toContain(eventId);
      expect(healed.stdout).toMatch(/^ok\s+webhooks/m);
      expect(healed.code).toBe(0);
    } finally {
      await rx.close();
    }
  });
});
