import { z } from 'zod';
import { decodeCursor } from '../services/domains';

/** `?limit=25&cursor=…`: keyset pagination shared by every list endpoint. */
export const paginationQuery = z.object({
  limit: z.coerce
    .number({ error: 'The limit must be a number.' })
    .int('The limit must be a whole number.')
    .min(1, 'The limit must be at least 1.')
    .max(100, 'The limit may not be greater than 100.')
    .default(25),
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const id = decodeCursor(value);
      if (id === null) {
        ctx.addIssue({ code: 'custom', message: 'The cursor is not valid.' });
        return z.NEVER;
      }
      return id;
    }),
});
