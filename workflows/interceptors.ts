import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  StartChildWorkflowExecutionInput,
  TimerInput,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { readable } from './payload-converter';

/*
 * Workflow interceptors the bundle loads (src/temporal/worker.ts, workflowCode): every summary a
 * workflow gives its steps, timers and children is marked readable, so it stays legible in the UI
 * without the codec (workflows/summaries.ts builds them from chosen fields: no personal data).
 */

type Texts<T> = { [K in keyof T]: T[K] extends string | undefined ? K : never }[keyof T];

/** The options with the named texts, where given, marked readable. */
function marked<T extends object>(options: T, ...keys: Array<Texts<T>>): T {
  const out = { ...options };
  for (const key of keys) {
    const text = out[key];
    if (typeof text === 'string') (out as Record<Texts<T>, unknown>)[key] = readable(text);
  }
  return out;
}

class ReadableSummaries implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return next({ ...input, options: marked(input.options, 'summary') });
  }

  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ) {
    return next({ ...input, options: marked(input.options, 'summary') });
  }

  startTimer(input: TimerInput, next: Next<WorkflowOutboundCallsInterceptor, 'startTimer'>) {
    return next(input.options ? { ...input, options: marked(input.options, 'summary') } : input);
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ) {
    return next({ ...input, options: marked(input.options, 'staticSummary', 'staticDetails') });
  }
}

export const interceptors = (): WorkflowInterceptors => ({ outbound: [new ReadableSummaries()] });
