/*
 * Database ids as they arrive in paths, queries and forms: plain digits with no leading zero, sign,
 * exponent, fraction or base prefix (`13`, not `013`, `+13`, `13.0`, `13e0`, `0xd` or `0b1101`,
 * which `Number()` or Postgres would all read as 13).
 */

const PLAIN_DIGITS = /^[1-9]\d{0,9}$/;
const PLAIN_BIG_DIGITS = /^[1-9]\d{0,17}$/;

/** An integer id within Postgres's integer, or null when `raw` is not one. */
export function parseId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !PLAIN_DIGITS.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}

/** Whether `raw` is a bigint id (audit events, API log entries) in plain digits. */
export function isBigId(raw: string): boolean {
  return PLAIN_BIG_DIGITS.test(raw);
}
