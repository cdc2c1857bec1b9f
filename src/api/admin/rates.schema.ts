import { z } from 'zod';

const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'A three-letter currency code.');

export const setRateRequest = z.object({
  params: z.object({ currency }),
  body: z.object({
    rate: z
      .union([z.string(), z.number()])
      .transform(String)
      .describe('Units of the reseller currency per unit of the registrar currency, such as "16250".'),
  }),
});

export const premiumPolicyRequest = z.object({
  params: z.object({ tld: z.string().trim().min(1).max(63) }),
  body: z.object({
    allowed: z.boolean(),
    margin: z
      .string()
      .trim()
      .optional()
      .describe('On the registrar price, such as "25%" (default PREMIUM_MARGIN_BPS).'),
  }),
});

export const marginReportRequest = z.object({
  query: z.object({
    from: z.iso.date().optional().describe('Inclusive (default: 30 days ago).'),
    to: z.iso.date().optional().describe('Exclusive (default: now).'),
  }),
});

export const RateJson = z
  .object({ from: z.string(), to: z.string(), rate: z.string(), set_by: z.string(), set_at: z.string() })
  .meta({ id: 'ExchangeRate' });

export const PremiumPolicyJson = z
  .object({ tld: z.string(), allowed: z.boolean(), margin: z.string(), margin_bps: z.int() })
  .meta({ id: 'PremiumPolicy' });

export const MarginRowJson = z
  .object({
    currency: z.string(),
    orders: z.int(),
    revenue: z.string(),
    cost: z.string(),
    cost_currency: z.string().nullable(),
    cost_converted: z.string(),
    margin: z.string(),
    without_cost: z.int(),
    below_cost: z
      .int()
      .describe('Orders sold for less than their registrar cost (converted): each one a loss.'),
    loss: z.string().describe('What the below-cost orders lost together (a positive amount).'),
  })
  .meta({ id: 'MarginRow' });
