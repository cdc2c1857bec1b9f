import { z } from 'zod';

const action = z.enum(['register', 'renew', 'transfer']);
const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

export const listPricesRequest = z.object({
  query: z.object({
    tld: z.string().trim().max(100).optional(),
    action: action.optional(),
    currency: z.string().trim().length(3).optional(),
    active: flag.optional(),
  }),
});

export const price = z.object({
  tld: z.string({ error: 'The tld field is required.' }).trim().min(1).max(100),
  action,
  currency: z.string({ error: 'The currency field is required.' }).trim().length(3),
  price: z
    .string({ error: 'The price field is required.' })
    .trim()
    .min(1)
    .max(32)
    .describe('Per year, decimal.'),
  active: flag.optional(),
  min_years: z.coerce.number().int().min(1).max(10).optional(),
  max_years: z.coerce.number().int().min(1).max(10).optional(),
});

export const setPricesRequest = z.object({
  body: z.object({
    prices: z.array(price).min(1).max(10_000),
    dry_run: flag.default(false),
  }),
});

export const deletePriceRequest = z.object({
  params: z.object({ tld: z.string().min(1).max(100), action, currency: z.string().length(3) }),
});

export const importCsvRequest = z.object({
  body: z.object({
    csv: z.string({ error: 'Send the CSV text in the csv field.' }).min(1).max(2_000_000),
    dry_run: flag.default(false),
  }),
});

export const exportCsvRequest = z.object({
  query: z.object({ currency: z.string().trim().length(3).optional() }),
});

export const importRegistrarRequest = z.object({
  body: z.object({
    margin: z.string({ error: 'The margin field is required (such as 20%).' }).trim().min(1).max(20),
    currency: z.string({ error: 'The currency field is required.' }).trim().length(3),
    tlds: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
    dry_run: flag.default(false),
  }),
});

export const tierRequest = z.object({
  params: z.object({ tier: z.string().min(1).max(40) }),
  body: z.object({
    markup: z.string({ error: 'The markup field is required (such as 15%).' }).trim().min(1).max(20),
  }),
});
