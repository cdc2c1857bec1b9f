/* What a database error means for the caller: gone for a moment, or a refusal of the query. */

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

/** A unique constraint refused the row (SQLSTATE 23505), by that constraint when one is named. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as {
    code?: string;
    constraint?: string;
    nativeError?: { code?: string; constraint?: string };
  };
  const code = e.code ?? e.nativeError?.code;
  const name = e.constraint ?? e.nativeError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}
