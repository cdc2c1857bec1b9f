import { describe, expect, it } from 'vitest';
import { makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { completedRegistration, topUp } from '../order-helpers';
import { DEFAULT_TASK_QUEUES, registrarTaskQueue } from '../../workflows/contracts';

// The API as the release before the split ran it: orders started on the single queue
// (`domain-reseller`, now the default kind's name). The workers poll the queues of this release.
const h = useOrderHarness({
  apiEnv: { TEMPORAL_QUEUE_PROVISIONING: 'domain-reseller', TEMPORAL_QUEUE_DEFAULT: 'unused-before-split' },
});

describe('runs begun before the queues were split', () => {
  it('complete on the default queue, their registrar steps on its registrar queue, registered once', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 100_000n);
    const { domain, workflowId } = await completedRegistration(h, r.apiKey, 'presplit');
    const handle = h.temporal.workflow.getHandle(workflowId);
    expect((await handle.describe()).taskQueue).toBe(DEFAULT_TASK_QUEUES.default);
    const scheduled = ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'registerDomain');
    expect(scheduled.map((a) => a!.taskQueue!.name)).toEqual([
      registrarTaskQueue(DEFAULT_TASK_QUEUES.default),
    ]);
    expect(h.sim.count('register', domain)).toBe(1);
    expect(await h.registrar.info(domain)).toMatchObject({ domain });
  });
});
