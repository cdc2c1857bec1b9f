import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import type { Activities } from '../../activities';
import type {
  apiLogRetentionWorkflow,
  billingReviewWorkflow,
  dnsZoneWorkflow,
  expiryRemindersWorkflow,
  webhookDeliveryWorkflow,
  webhookTestWorkflow,
} from '../../workflows';
import {
  DomainFailures,
  type DnsChange,
  type DnsChangeResult,
  type DnsRecordData,
  type ExpiryScanWindow,
  type OrderInput,
  ReviewFailures,
} from '../../workflows/contracts';
import { dnsChangeUpdate } from '../../workflows/messages';
import { mockedWorker, orderInput, useMockedTemporal } from './mocked';

/*
 * The DNS zone, expiry reminder, billing review, webhook and retention workflows on their own, like the order
 * workflow's tests: their steps run against mocked activities (typed as the real ones) on the test
 * Temporal server, one worker per test on its own task queue, and what is checked is the
 * workflow's decisions. No real waits: the durations the workflows wait come from their inputs
 * (the zone's quiet period, the delivery backoff and horizon), set to a second or less here.
 */

const t = useMockedTemporal();

type Mocks = Partial<{ [K in keyof Activities]: ReturnType<typeof vi.fn<Activities[K]>> }>;

async function withWorker<R>(activities: Mocks, fn: (taskQueue: string) => Promise<R>): Promise<R> {
  const { worker, taskQueue } = await mockedWorker(t, activities);
  return worker.runUntil(() => fn(taskQueue));
}

const rejected = (message: string) =>
  ApplicationFailure.nonRetryable(message, DomainFailures.RegistrarRejected);
const RECORD: DnsRecordData = { type: 'A', name: 'www', value: '192.0.2.1', ttl: 3600 } as DnsRecordData;

describe('the DNS zone workflow', () => {
  const zone = { domainId: 7, resellerId: 1, domain: 'zone-test.com', quietSeconds: 1 };

  function dnsMocks(): Required<
    Pick<
      Mocks,
      'applyDnsChange' | 'pushDnsZone' | 'readRegistrarDns' | 'recordDnsPushFailure' | 'dnsZoneMode'
    >
  > {
    let version = 0;
    return {
      // A registrar-hosted zone (test/workflows/hosted-dns-workflow.test.ts has the addon's).
      dnsZoneMode: vi.fn(() => Promise.resolve(null)),
      applyDnsChange: vi.fn(() =>
        Promise.resolve<DnsChangeResult>({ ok: true, version: ++version, line: version }),
      ),
      pushDnsZone: vi.fn(() => Promise.resolve(undefined)),
      readRegistrarDns: vi.fn(() => Promise.resolve([RECORD])),
      recordDnsPushFailure: vi.fn(() => Promise.resolve(undefined)),
    };
  }

  async function change(taskQueue: string, workflowId: string, c: DnsChange) {
    const operation = new WithStartWorkflowOperation<typeof dnsZoneWorkflow>('dnsZoneWorkflow', {
      workflowId,
      taskQueue,
      args: [zone],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const result = await t.client.workflow.executeUpdateWithStart(dnsChangeUpdate, {
      startWorkflowOperation: operation,
      args: [c],
    });
    return { result, handle: await operation.workflowHandle() };
  }

  it('applies edits one at a time, publishes the latest set after the last of them, and ends after its quiet period', async () => {
    const a = dnsMocks();
    await withWorker(a, async (taskQueue) => {
      const id = `unit-dns-${randomUUID()}`;
      const edits = await Promise.all([
        change(taskQueue, id, { kind: 'create', record: RECORD }),
        change(taskQueue, id, { kind: 'create', record: { ...RECORD, name: 'api' } }),
      ]);
      expect(edits.map((e) => e.result.ok)).toEqual([true, true]);
      await edits[0]!.handle.result();
    });
    expect(a.applyDnsChange).toHaveBeenCalledTimes(2);
    // Edits are not pushed one by one behind each other: at most one push per edit, and the last
    // push comes after the last edit (what the registrar publishes is the latest set).
    const pushes = a.pushDnsZone.mock.invocationCallOrder;
    expect(pushes.length).toBeGreaterThanOrEqual(1);
    expect(pushes.length).toBeLessThanOrEqual(2);
    expect(pushes[pushes.length - 1]).toBeGreaterThan(a.applyDnsChange.mock.invocationCallOrder[1]!);
  });

  it('provisioning imports what the registrar publishes and pushes nothing back over it', async () => {
    const a = dnsMocks();
    await withWorker(a, async (taskQueue) => {
      const { result, handle } = await change(taskQueue, `unit-dns-${randomUUID()}`, { kind: 'provision' });
      expect(result.ok).toBe(true);
      await handle.result();
    });
    expect(a.readRegistrarDns).toHaveBeenCalledWith(zone.domainId);
    expect(a.applyDnsChange).toHaveBeenCalledWith(zone.domainId, { kind: 'provision', records: [RECORD] });
    expect(a.pushDnsZone).not.toHaveBeenCalled();
  });

  it('a refused import answers the update with the refusal and changes nothing', async () => {
    const a = dnsMocks();
    a.readRegistrarDns.mockRejectedValue(rejected('not in this account'));
    await withWorker(a, async (taskQueue) => {
      const { result } = await change(taskQueue, `unit-dns-${randomUUID()}`, { kind: 'provision' });
      expect(result).toEqual({ ok: false, code: 'registrar_rejected', message: 'not in this account' });
    });
    expect(a.applyDnsChange).not.toHaveBeenCalled();
  });

  it('a publication the registrar refuses is recorded on the zone, and the run still ends', async () => {
    const a = dnsMocks();
    a.pushDnsZone.mockRejectedValue(rejected('invalid record'));
    await withWorker(a, async (taskQueue) => {
      const { handle } = await change(taskQueue, `unit-dns-${randomUUID()}`, {
        kind: 'create',
        record: RECORD,
      });
      await handle.result();
    });
    expect(a.recordDnsPushFailure).toHaveBeenCalledWith(zone.domainId, 'invalid record');
  });
});

describe('the webhook delivery workflows', () => {
  const input = { jobId: '41', endpointId: 3, backoffBaseSeconds: 0.2, horizonSeconds: 60 };

  it('retries with backoff until delivered, and does not mark the job failed', async () => {
    const deliverWebhook = vi.fn<Activities['deliverWebhook']>();
    deliverWebhook
      .mockResolvedValueOnce('retry')
      .mockResolvedValueOnce('retry')
      .mockResolvedValue('delivered');
    const markWebhookFailed = vi.fn(() => Promise.resolve(undefined));
    const outcome = await withWorker({ deliverWebhook, markWebhookFailed }, (taskQueue) =>
      t.client.workflow.execute<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: `unit-webhook-${randomUUID()}`,
        args: [input],
      }),
    );
    expect(outcome).toBe('delivered');
    expect(deliverWebhook).toHaveBeenCalledTimes(3);
    expect(deliverWebhook).toHaveBeenCalledWith('41', 3);
    expect(markWebhookFailed).not.toHaveBeenCalled();
  });

  it('gives up once the next attempt would fall past the horizon, and marks the job failed once', async () => {
    const deliverWebhook = vi.fn<Activities['deliverWebhook']>(() => Promise.resolve('retry'));
    const markWebhookFailed = vi.fn(() => Promise.resolve(undefined));
    const outcome = await withWorker({ deliverWebhook, markWebhookFailed }, (taskQueue) =>
      t.client.workflow.execute<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: `unit-webhook-${randomUUID()}`,
        // 1 s, 2 s, 4 s (±20%): the third wait would end past 5 s. (At 0.2 s and a 1 s horizon, a
        // first attempt that took 0.8 s on a busy machine left room for no second one.)
        args: [{ ...input, backoffBaseSeconds: 1, horizonSeconds: 5 }],
      }),
    );
    expect(outcome).toBe('failed');
    expect(deliverWebhook.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(deliverWebhook.mock.calls.length).toBeLessThanOrEqual(3);
    expect(markWebhookFailed).toHaveBeenCalledTimes(1);
  });

  it('ends at once when the endpoint is gone or refuses for good', async () => {
    for (const answer of ['disabled', 'refused'] as const) {
      const deliverWebhook = vi.fn<Activities['deliverWebhook']>(() => Promise.resolve(answer));
      const outcome = await withWorker({ deliverWebhook, markWebhookFailed: vi.fn() }, (taskQueue) =>
        t.client.workflow.execute<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
          taskQueue,
          workflowId: `unit-webhook-${randomUUID()}`,
          args: [input],
        }),
      );
      expect(outcome).toBe(answer);
      expect(deliverWebhook).toHaveBeenCalledTimes(1);
    }
  });

  it('a test event is sent once: a failed attempt is not retried and the job is marked failed', async () => {
    const deliverWebhook = vi.fn<Activities['deliverWebhook']>(() => Promise.resolve('retry'));
    const markWebhookFailed = vi.fn(() => Promise.resolve(undefined));
    const outcome = await withWorker({ deliverWebhook, markWebhookFailed }, (taskQueue) =>
      t.client.workflow.execute<typeof webhookTestWorkflow>('webhookTestWorkflow', {
        taskQueue,
        workflowId: `unit-webhook-test-${randomUUID()}`,
        args: [{ jobId: '42', endpointId: 3 }],
      }),
    );
    expect(outcome).toBe('failed');
    expect(deliverWebhook).toHaveBeenCalledTimes(1);
    expect(markWebhookFailed).toHaveBeenCalledWith('42');
  });
});

describe('the billing review workflow', () => {
  function reviewMocks() {
    return {
      beginBillingReview: vi.fn(() => Promise.resolve(undefined)),
      refreshRegistrarResult: vi.fn(() => Promise.resolve(undefined)),
      completeOrder: vi.fn(() => Promise.resolve({ domainId: 9, completedAt: new Date().toISOString() })),
      failOrder: vi.fn(() => Promise.resolve(undefined)),
      recordReviewResolution: vi.fn<Activities['recordReviewResolution']>(() => Promise.resolve('completed')),
    };
  }
  const review = (a: Mocks, resolution: 'capture' | 'void') =>
    withWorker(a, (taskQueue) =>
      t.client.workflow.execute<typeof billingReviewWorkflow>('billingReviewWorkflow', {
        taskQueue,
        workflowId: `unit-review-${randomUUID()}`,
        args: [{ orderId: 12, resolution, reason: 'checked by hand', actor: 'cli:test' }],
      }),
    );

  it('capture reads the registrar, then posts the funds and completes the order, then records the resolution', async () => {
    const a = reviewMocks();
    expect(await review(a, 'capture')).toEqual({ ok: true, resolution: 'capture', status: 'completed' });
    const order = [
      a.beginBillingReview,
      a.refreshRegistrarResult,
      a.completeOrder,
      a.recordReviewResolution,
    ].map((m) => m.mock.invocationCallOrder[0]!);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('void fails the order with the reason and captures nothing', async () => {
    const a = reviewMocks();
    a.recordReviewResolution.mockResolvedValue('failed');
    expect(await review(a, 'void')).toEqual({ ok: true, resolution: 'void', status: 'failed' });
    expect(a.failOrder).toHaveBeenCalledWith(12, 'billing_voided', 'checked by hand');
    expect(a.completeOrder).not.toHaveBeenCalled();
  });

  it('capture of a domain the registrar does not hold is refused and charges nothing', async () => {
    const a = reviewMocks();
    a.refreshRegistrarResult.mockRejectedValue(
      ApplicationFailure.nonRetryable('The registrar does not hold it.', ReviewFailures.RegistrarMissing),
    );
    expect(await review(a, 'capture')).toEqual({
      ok: false,
      code: 'registrar_missing',
      message: 'The registrar does not hold it.',
    });
    expect(a.completeOrder).not.toHaveBeenCalled();
    expect(a.recordReviewResolution).not.toHaveBeenCalled();
  });
});

describe('the expiry reminder workflow', () => {
  it('scans every window of the horizon page by page, totals the reminders and starts each due renewal once', async () => {
    const renewalInput = (domainId: number): OrderInput =>
      orderInput({
        action: 'renew',
        domain: `renew-${domainId}.com`,
        fromExpiresAt: '2027-01-01T00:00:00.000Z',
      });
    const windows: ExpiryScanWindow[] = [];
    const scanExpiringPage = vi.fn<Activities['scanExpiringPage']>((_t, _a, cursor, window) => {
      if (!cursor) windows.push(window!);
      const first = window!.fromDays === 0;
      // The first window has two pages (domain 5 due on the first), the second one page (domain 6).
      if (first && !cursor)
        return Promise.resolve({
          next: { expiresAt: '2027-01-01T00:00:00.000Z', id: 5 },
          reminded: 2,
          autoRenew: [5],
        });
      if (first) return Promise.resolve({ next: null, reminded: 1, autoRenew: [] });
      return Promise.resolve({ next: null, reminded: 4, autoRenew: [6, 6] });
    });
    const prepareAutoRenewal = vi.fn<Activities['prepareAutoRenewal']>((domainId) =>
      Promise.resolve({
        input: renewalInput(domainId),
        key: `autorenew:renew-${domainId}.com`,
        resellerName: 'Acme',
      }),
    );
    // The renewal orders themselves run elsewhere: here their first step fails for good.
    const openOrder = vi.fn(() => Promise.reject(ApplicationFailure.nonRetryable('not here')));
    const started = await withWorker(
      { scanExpiringPage, prepareAutoRenewal, openOrder },
      async (taskQueue) => {
        const result = await t.client.workflow.execute<typeof expiryRemindersWorkflow>(
          'expiryRemindersWorkflow',
          {
            taskQueue,
            workflowId: `unit-expiry-${randomUUID()}`,
            args: [{ thresholdsDays: [30, 7], autoRenewDays: 3, slices: 2 }],
          },
        );
        return result;
      },
    );
    expect(started).toEqual({ reminded: 7, renewals: 2 });
    expect(windows.map((w) => [w.fromDays, w.toDays]).sort()).toEqual([
      [0, 15],
      [15, 30],
    ]);
    // Both windows scanned against one clock.
    expect(new Set(windows.map((w) => w.asOf)).size).toBe(1);
    // Domain 6 was due twice in the scan: its renewal order was started once (its workflow ID).
    expect(prepareAutoRenewal.mock.calls.map((c) => c[0]).sort()).toEqual([5, 6, 6]);
    for (const id of ['order:1:autorenew:renew-5.com', 'order:1:autorenew:renew-6.com']) {
      const d = await t.client.workflow.getHandle(id).describe();
      expect(await d.staticSummary()).toMatch(
        /^Renew renew-\d\.com · 1 year · 12\.99 USD by wallet · Acme \(#1\)$/,
      );
      await t.client.workflow
        .getHandle(id)
        .terminate('test done')
        .catch(() => undefined);
    }
  });
});

describe('the API log retention workflow', () => {
  it('prunes the rows past the retention period and says how many', async () => {
    const pruneApiLogs = vi.fn<Activities['pruneApiLogs']>(() => Promise.resolve(42));
    const result = await withWorker({ pruneApiLogs }, (taskQueue) =>
      t.client.workflow.execute<typeof apiLogRetentionWorkflow>('apiLogRetentionWorkflow', {
        taskQueue,
        workflowId: `unit-retention-${randomUUID()}`,
        args: [{ days: 30 }],
      }),
    );
    expect(result).toEqual({ deleted: 42 });
    expect(pruneApiLogs).toHaveBeenCalledWith(30);
  });
});
