import { AppError, unavailable } from '../services/errors';

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

/** SQLSTATE classes and codes of a database that is not there (08: connection exception; 57P01–03: shutting down or starting; 53300: too many connections). */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123]$|53300$)/;

/** True for the errors of a database that is down or unreachable, not of a query it refused. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (UNAVAILABLE_SQLSTATE.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code))
  )
    return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection error and is not queryable|Timeout acquiring a connection/.test(message)
  );
}
