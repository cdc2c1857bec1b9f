/** The error `withTimeout` rejects with when the time runs out first. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * The workflow engine did not answer an update within WORKFLOW_ANSWER_TIMEOUT_MS (no worker
 * polling, or Temporal unreachable): the API answers 503 workflow_unavailable.
 */
export class WorkflowAnswerTimeoutError extends TimeoutError {
  constructor(ms: number) {
    super(ms);
    this.name = 'WorkflowAnswerTimeoutError';
  }
}

/**
 * Settles as `promise` does, or rejects with `onTimeout()` (a TimeoutError by default) when `ms`
 * pass first. The timer is always cleared; the promise itself is not cancelled.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error = () => new TimeoutError(ms),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
