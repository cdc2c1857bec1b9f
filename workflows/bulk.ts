import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  executeChild,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  type BulkItemEnd,
  type BulkItemStep,
  type BulkJobInput,
  type BulkJobResult,
  DomainNameAttr,
  OrderIdAttr,
  ResellerIdAttr,
} from './contracts';
import { domainOperationWorkflow } from './domains';
import { cancelBulkJobSignal, pauseBulkJobSignal, resumeBulkJobSignal } from './messages';
import { orderWorkflow } from './order';
import { runOptions } from './summaries';

/** Lines read per page, items started per run before it continues as new, ends recorded per step. */
const PAGE = 200;
const PER_RUN = 250;
const SETTLE_EVERY = 50;
/** How soon an ended item is recorded as such (the progress of operations reads the records). */
const SETTLE_AFTER_MS = 2_000;
/** Reads of the open transfers per run before it continues as new. */
const SETTLE_POLLS_PER_RUN = 200;

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * A confirmed bulk job: its items in line order, `window` at a time, each through the path a
 * single request takes (an order workflow, charged once and refunded on failure, or a domain
 * operation workflow), started as a child under a key of the job and line, so a retried step or
 * a replayed run starts nothing twice. The registrar calls are paced where every caller's are
 * (the registrar queue and the account's shared limiter). Pause stops starting items; cancel
 * finishes the ones in flight and marks the rest cancelled. Every PER_RUN items the run waits for
 * its items and continues as new, so its history stays bounded.
 */
export async function bulkJobWorkflow(input: BulkJobInput): Promise<BulkJobResult> {
  let paused = input.paused ?? false;
  let cancelled = input.cancelled ?? false;
  setHandler(pauseBulkJobSignal, () => {
    paused = true;
  });
  setHandler(resumeBulkJobSignal, () => {
    paused = false;
  });
  setHandler(cancelBulkJobSignal, () => {
    cancelled = true;
  });

  let after = input.afterLine ?? 0;
  let done = input.done ?? 0;
  let startedInRun = 0;
  let inFlight = 0;
  const ended: BulkItemEnd[] = [];
  const details = () =>
    setCurrentDetails(
      `**${done} of ${input.items}** items finished, ${inFlight} in flight${
        cancelled ? ' — cancelling: no item is started' : paused ? ' — paused' : ''
      }.`,
    );
  let settledAt = Date.now();
  const settle = async () => {
    settledAt = Date.now();
    if (ended.length === 0) return;
    await steps.settleBulkItems(input.jobId, ended.splice(0));
    details();
  };
  /** Waits for a free slot (not paused); what ended meanwhile is recorded within SETTLE_AFTER_MS. */
  const ready = () => cancelled || (!paused && inFlight < input.window);
  const slot = async () => {
    while (!ready()) {
      if (ended.length === 0) await condition(() => ready() || ended.length > 0);
      else if (!(await condition(ready, Math.max(1, SETTLE_AFTER_MS - (Date.now() - settledAt)))))
        await settle();
    }
    if (ended.length >= SETTLE_EVERY || (ended.length > 0 && Date.now() - settledAt >= SETTLE_AFTER_MS))
      await settle();
  };

  const runItem = async (line: number): Promise<void> => {
    const end: BulkItemEnd = { line };
    try {
      const step = await steps.prepareBulkItem.executeWithOptions({ summary: `Line ${line}` }, [
        input.jobId,
        line,
        workflowInfo().taskQueue,
      ]);
      const operation = await runChild(step, input.resellerId);
      if (operation) end.operation = operation;
    } finally {
      inFlight -= 1;
      done += 1;
      ended.push(end);
    }
  };

  details();
  let exhausted = false;
  const running: Array<Promise<void>> = [];
  pages: while (!cancelled && startedInRun < PER_RUN) {
    const lines = await steps.nextBulkLines(input.jobId, after, Math.min(PAGE, PER_RUN - startedInRun));
    if (lines.length === 0) {
      exhausted = true;
      break;
    }
    for (const line of lines) {
      await slot();
      if (cancelled) break pages;
      inFlight += 1;
      startedInRun += 1;
      after = line;
      running.push(runItem(line));
    }
  }
  // The last items: their ends recorded as they come (within SETTLE_AFTER_MS), then the rest.
  const all = Promise.all(running);
  let allDone = false;
  void all.then(() => (allDone = true));
  while (!allDone) if (!(await condition(() => allDone, SETTLE_AFTER_MS))) await settle();
  await all;
  await settle();
  const next = () =>
    continueAsNew<typeof bulkJobWorkflow>({ ...input, afterLine: after, done, paused, cancelled });
  if (!exhausted && !cancelled) await next();
  // Transfers run on for days after they start: their items end as their orders do.
  for (let polls = 0; input.action === 'transfer'; polls += 1) {
    if ((await steps.settleOpenBulkItems(input.jobId)) === 0) break;
    if (polls >= SETTLE_POLLS_PER_RUN) await next();
    await sleep(`${input.settleSeconds ?? 60} seconds`);
  }
  const status = cancelled ? 'cancelled' : 'completed';
  const items = await steps.finishBulkJob(input.jobId, status);
  return { status, items };
}

/**
 * An item's order or domain operation, as a child the job does not outlive (a cancelled or
 * terminated job leaves a started order to finish). Orders end in their rows, which the job
 * reads; an operation's ending is returned.
 */
async function runChild(step: BulkItemStep, resellerId: number): Promise<BulkItemEnd['operation']> {
  if (step.kind === 'done') return undefined;
  const attrs = [
    { key: ResellerIdAttr, value: String(resellerId) },
    { key: DomainNameAttr, value: step.input.domain },
  ];
  const common = {
    workflowId: step.workflowId,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    parentClosePolicy: ParentClosePolicy.ABANDON,
  };
  try {
    if (step.kind === 'order' && step.input.action === 'transfer') {
      await startChild(orderWorkflow, {
        ...common,
        args: [step.input],
        ...runOptions(step.label, [...attrs, { key: OrderIdAttr, value: step.input.publicId }]),
      });
      return undefined;
    }
    if (step.kind === 'order') {
      await executeChild(orderWorkflow, {
        ...common,
        args: [step.input],
        ...runOptions(step.label, [...attrs, { key: OrderIdAttr, value: step.input.publicId }]),
      });
      return undefined;
    }
    const result = await executeChild(domainOperationWorkflow, {
      ...common,
      args: [step.input],
      ...runOptions(step.label, attrs),
    });
    return result.ok ? { ok: true } : { ok: false, code: result.code, message: result.message };
  } catch (err) {
    // An order that failed has said why in its row; one started before (a reset job) is read there too.
    if (
      step.kind === 'order' &&
      (err instanceof ChildWorkflowFailure || err instanceof WorkflowExecutionAlreadyStartedError)
    )
      return undefined;
    if (err instanceof ChildWorkflowFailure)
      return { ok: false, code: 'operation_failed', message: err.cause?.message ?? err.message };
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return {
        ok: false,
        code: 'operation_started_before',
        message: `Its run ${step.workflowId} was started before.`,
      };
    throw err;
  }
}
