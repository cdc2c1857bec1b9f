import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { type DomainReconcileInput, domainReconcileWorkflowId } from './contracts';
import { domainChangedSignal } from './messages';
import { registrarActivities } from './registrar-queue';

const registrar = registrarActivities({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/**
 * A domain's follow-up at the registrar after we changed it (a registration, nameservers,
 * contacts, lock, privacy): waits out the registrar's lag, reads the domain once, and marks our
 * record synced when it agrees; until the lag window closes it looks again, and then sends the
 * two versions to review. One run per domain: a change while it runs is signalled to it.
 */
export async function domainReconcileWorkflow(input: DomainReconcileInput): Promise<'synced' | 'drift'> {
  let changed = false;
  setHandler(domainChangedSignal, () => {
    changed = true;
  });
  // Knowing the registrar's lag, the first look waits it out: no activity only to be told to wait.
  // A run started after the lag (a delayed start) looks at once; a change signalled during the
  // delay wakes it early, and the first look answers how long is left.
  if (!input.startedAfterLag && input.firstLookAfterMs && patched('reconcile-first-look-after-lag')) {
    await condition(() => changed, input.firstLookAfterMs);
    // A change meanwhile is read by the first look (which answers its own wait).
    changed = false;
  }
  for (;;) {
    const step = await registrar().reconcileDomain.executeWithOptions(
      { summary: `Does the registrar show our record of ${input.domain}?` },
      [input.domainId],
    );
    // A change that came in meanwhile is read on the next step (its own lag window).
    if (step.done && !changed) return step.state;
    const wait = step.done ? 0 : step.waitMs;
    changed = false;
    if (wait > 0) await condition(() => changed, wait);
  }
}

/**
 * Makes sure the domain's follow-up runs after a change: starts it, or tells the running one.
 * A run that ends just as it is told is started again.
 */
export async function followUpAtRegistrar(input: DomainReconcileInput): Promise<void> {
  const workflowId = domainReconcileWorkflowId(input.domainId);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await startChild(domainReconcileWorkflow, {
        workflowId,
        args: [input],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Follow ${input.domain} at the registrar until it shows our record`,
      });
      return;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    try {
      await getExternalWorkflowHandle(workflowId).signal(domainChangedSignal);
      return;
    } catch {
      // It ended between the two: start it again.
    }
  }
}
