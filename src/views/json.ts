import { z } from 'zod';

/* What every JSON view shares: timestamps and money as the API and the pages show them. */

export const iso = z.iso.datetime({ offset: true });
export const isoOrNull = iso.nullable();

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
