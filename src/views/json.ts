import { z } from 'zod';

/* What every JSON view shares: timestamps and money as the API and the pages show them. */

export const iso = z.iso.datetime({ offset: true });
export const isoOrNull = iso.nullable();

/** A timestamp as `isoOrNull` shows it: ISO 8601, or null when there is none. */
export const isoText = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export const MoneyJson = z
  .object({
    currency: z.string().length(3),
    amount_minor: z
      .string()
      .regex(/^-?\d+$/)
      .describe('Integer minor units (never a float).'),
    amount: z
      .string()
      .regex(/^-?\d+(\.\d+)?$/)
      .describe('Decimal for display.'),
  })
  .meta({ id: 'Money' });

export const Pagination = z
  .object({ limit: z.int(), next_cursor: z.string().nullable() })
  .meta({ id: 'Pagination' });
