import { z } from 'zod';
import { isBigId, parseId } from '../utils/ids';

const MESSAGE = 'Must be a positive whole number written in plain digits (e.g. 13).';

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
export const bigIdParam = z.string().refine(isBigId, MESSAGE);
