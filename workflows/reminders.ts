import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  DomainNameAttr,
  type ExpiryScanInput,
  type ExpiryScanWindow,
  expiryScanWindows,
  orderWorkflowId,
  ResellerIdAttr,
} from './contracts';
import { orderWorkflow } from './order';
import { orderLabel, runOptions } from './summaries';

const { scanExpiringPage, prepareAutoRenewal } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/**
 * Daily (a Temporal Schedule): pages through domains expiring within the thresholds, records one
 * `domain.expiring` event per domain, threshold and expiry, and starts auto-renewals from the
 * wallet as ordinary renew orders (one per domain and expiry: the workflow ID says so).
 *
 * The horizon is cut into windows (`slices`, default 2) scanned side by side, all against the
 * workflow's clock at its start: the database writes of one page use one core, so two streams of
 * pages finish the first scan over 1M domains in about two thirds of the time (docs/performance.md).
 */
export async function expiryRemindersWorkflow(
  input: ExpiryScanInput,
): Promise<{ reminded: number; renewals: number }> {
  const total = { reminded: 0, renewals: 0 };
  const scan = async (window?: ExpiryScanWindow) => {
    let cursor: { expiresAt: string; id: number } | null = null;
    do {
      const page: Awaited<ReturnType<typeof scanExpiringPage>> = await scanExpiringPage(
        input.thresholdsDays,
        input.autoRenewDays,
        cursor,
        window,
      );
      total.reminded += page.reminded;
      for (const domainId of page.autoRenew) {
        if (await startAutoRenewal(domainId, input.autoRenewDays, input.orderTaskQueue)) total.renewals += 1;
      }
      cursor = page.next;
      setCurrentDetails(
        `Scanning expiring domains: ${total.reminded} reminders recorded, ${total.renewals} auto-renewals started so far.`,
      );
    } while (cursor);
  };
  // Executions begun before the windows scan the whole horizon in one stream, as they were recorded.
  if (patched('expiry-scan-windows')) {
    await Promise.all(expiryScanWindows(input, new Date()).map((w) => scan(w)));
  } else {
    await scan();
  }
  return total;
}

/** Starts the renew order of one due domain; false when it is not due or already started. */
async function startAutoRenewal(
  domainId: number,
  autoRenewDays: number,
  taskQueue: string | undefined,
): Promise<boolean> {
  const prepared = await prepareAutoRenewal(domainId, autoRenewDays);
  if (!prepared) return false;
  try {
    const label = orderLabel(
      prepared.input,
      { id: prepared.input.resellerId, name: prepared.resellerName },
      'auto-renewal',
    );
    await startChild(orderWorkflow, {
      workflowId: orderWorkflowId(prepared.input.resellerId, prepared.key),
      ...(taskQueue ? { taskQueue } : {}),
      args: [prepared.input],
      ...runOptions(label, [
        { key: ResellerIdAttr, value: String(prepared.input.resellerId) },
        { key: DomainNameAttr, value: prepared.input.domain },
      ]),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return true;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return false;
  }
}
