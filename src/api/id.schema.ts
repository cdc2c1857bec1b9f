import { z } from 'zod';

/**
 * A database id as it may appear in a path or a query: plain digits with no leading zero, sign,
 * exponent, fraction or base prefix (`13`, not `013`, `+13`, `13.0`, `13e0`, `0xd` or `0b1101`,
 * which `Number()` would all read as 13), within Postgres's integer.
 */
const PLAIN_DIGITS = /^[1-9]\d{0,9}$/;
const MESSAGE = 'Must be a positive whole number written in plain digits (e.g. 13).';

/** The id, or null when `raw` is not one (portal pages read their parameters with it). */
export function parseId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !PLAIN_DIGITS.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}

/** A path or query parameter holding an id (`/resellers/{reseller}`); anything else is a field error (422). */
export const idParam = z
  .string()
  .transform((raw, ctx) => {
    const id = parseId(raw);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: MESSAGE });
      return z.NEVER;
    }
    return id;
  })
  .meta({ type: 'integer', minimum: 1, maximum: 2_147_483_647 });

/** A bigint id (audit events, API log entries), kept as its digits. */
export const bigIdParam = z.string().regex(/^[1-9]\d{0,17}$/, MESSAGE);
