import { describe, expect, it } from 'vitest';
import { makeReseller, request } from '../helpers';
import { useOrderHarness } from '../harness';
import { completedRegistration, eventually, topUp } from '../order-helpers';
import { receiver } from '../receiver';
import { DEFAULT_TASK_QUEUES, registrarTaskQueue } from '../../workflows/contracts';

const h = useOrderHarness();

/** The task queue of a run and the queues its activities were scheduled on, by activity type. */
async function queuesOf(workflowId: string) {
  const handle = h.temporal.workflow.getHandle(workflowId);
  const described = await handle.describe();
  const history = await handle.fetchHistory();
  const activities = new Map<string, string>();
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) activities.set(scheduled.activityType!.name!, scheduled.taskQueue!.name!);
  }
  return { taskQueue: described.taskQueue, activities };
}

describe('task queues by kind of work', () => {
  it('runs an order on the provisioning queue, its registrar steps beside it, and its webhook deliveries on the webhooks queue', async () => {
    const rx = await receiver(() => 200);
    try {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 100_000n);
      const hook = await request(h.api.url, '/api/reseller/v1/webhooks', {
        token: r.token,
        body: { url: rx.url },
      });
      expect(hook.status).toBe(201);
      const { domain, workflowId } = await completedRegistration(h, r.apiKey, 'queues');
      const run = await queuesOf(workflowId);
      expect(run.taskQueue).toBe(DEFAULT_TASK_QUEUES.provisioning);
      expect(run.activities.get('registerDomain')).toBe(registrarTaskQueue(DEFAULT_TASK_QUEUES.provisioning));
      expect(h.sim.count('register', domain)).toBe(1);

      await eventually(() => rx.accepted().size === 2, 30_000);
      const jobs = (await h
        .db('webhookJobs as j')
        .join('events as e', 'e.id', 'j.eventId')
        .where('e.resellerId', r.id)
        .select('j.id', 'j.run')) as Array<{ id: string; run: number }>;
      expect(jobs).toHaveLength(2);
      for (const job of jobs) {
        const delivery = await queuesOf(`webhook:${job.id}:${job.run}`);
        expect(delivery.taskQueue).toBe(DEFAULT_TASK_QUEUES.webhooks);
        expect(delivery.activities.get('deliverWebhook')).toBe(DEFAULT_TASK_QUEUES.webhooks);
      }
    } finally {
      await rx.close();
    }
  });
});
