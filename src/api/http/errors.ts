import { AppError, unavailable } from '../../services/errors';

/* Failures only the HTTP surfaces raise (throttling, the workflow engine's silence); the rest are the core's (services/errors.ts). */

export const tooManyRequests = (retryAfterSeconds: number): AppError =>
  new AppError(429, 'rate_limited', 'Too many requests.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/**
 * The workflow engine did not answer within WORKFLOW_ANSWER_TIMEOUT_MS (no worker polling, or
 * Temporal unreachable): 503, and the request may be retried. Under the same Idempotency-Key a
 * retry is never applied twice (orders: one workflow per key; DNS changes: one update per key).
 */
export function workflowUnavailable(): AppError {
  return unavailable(
    'workflow_unavailable',
    'The request could not be confirmed in time; please retry with the same Idempotency-Key.',
    5,
  );
}

/** Postgres did not answer (restarting, failing over, out of connections): 503, and the request may be retried. */
export function databaseUnavailable(): AppError {
  return unavailable('database_unavailable', 'The database is unavailable for a moment; please retry.', 2);
}
