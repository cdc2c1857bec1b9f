import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { type ExpiryScanInput, orderWorkflowId } from './contracts';
import { orderWorkflow } from './order';

const { scanExpiringPage, prepareAutoRenewal } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/**
 * Daily (a Temporal Schedule): pages through domains expiring within the thresholds, records one
 * `domain.expiring` event per domain, threshold and expiry, and starts auto-renewals from the
 * wallet as ordinary renew orders (one per domain and expiry: the workflow ID says so).
 */
export async function expiryRemindersWorkflow(
  input: ExpiryScanInput,
): Promise<{ reminded: number; renewals: number }> {
  let cursor: { expiresAt: string; id: number } | null = null;
  let reminded = 0;
  let renewals = 0;
  do {
    const page: Awaited<ReturnType<typeof scanExpiringPage>> = await scanExpiringPage(
      input.thresholdsDays,
      input.autoRenewDays,
      cursor,
    );
    reminded += page.reminded;
    for (const domainId of page.autoRenew) {
      const prepared = await prepareAutoRenewal(domainId, input.autoRenewDays);
      if (!prepared) continue;
      try {
        await startChild(orderWorkflow, {
          workflowId: orderWorkflowId(prepared.input.resellerId, prepared.key),
          args: [prepared.input],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        renewals += 1;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    cursor = page.next;
  } while (cursor);
  return { reminded, renewals };
}
