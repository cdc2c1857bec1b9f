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
