import { z } from 'zod';
import { ACCOUNT_LEVELS, DYNADOT_RATE_WINDOW_MS, REGISTRAR_CURRENCIES } from '../registrar/account';

/**
 * The registrar account and what follows from it (part of the schema in index.ts): where and how
 * to call Dynadot, the account's level, limits and currency, the lag and deadlines of its
 * registrations and transfers, and the pricing of its costs (exchange rates, premium names).
 */
export const REGISTRAR_SETTINGS = {
  DYNADOT_API_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:4010/api3.json')
    .describe(
      'Dynadot api3 endpoint (`https://api.dynadot.com/api3.json` in production; the simulator in dev)',
    ),
  DYNADOT_API_KEY: z
    .string()
    .min(1)
    .default('sim-key')
    .describe('Dynadot API key (sent as the `key` query parameter; never logged)'),
  DYNADOT_ACCOUNT_LEVEL: z
    .enum(ACCOUNT_LEVELS)
    .default('regular')
    .describe(
      "the Dynadot account's price level: `regular` (1 thread, 60 calls a minute, one name per search), `bulk` (5, 600, 100 names) or `super_bulk` (25, 6000, 100 names); every process keeps to it",
    ),
  DYNADOT_RATE_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(DYNADOT_RATE_WINDOW_MS)
    .describe(
      "the window of the account's per-minute call limit (60000; tests shorten it with the simulator's)",
    ),
  REGISTRAR_CURRENCY: z
    .string()
    .transform((c) => c.toUpperCase())
    .pipe(z.enum(REGISTRAR_CURRENCIES))
    .default('USD')
    .describe(
      `the currency the registrar account is billed in (${REGISTRAR_CURRENCIES.join(', ')}); every registrar call and cost is in it`,
    ),
  REGISTRAR_MAX_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(25)
    .optional()
    .describe("caps the account level's threads (calls in flight for the whole account, across processes)"),
  REGISTRAR_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('timeout of one registrar call'),
  TRANSFER_DEADLINE_HOURS: z.coerce
    .number()
    .positive()
    .default(240)
    .describe(
      'a transfer still unfinished this long after it was submitted goes to the review queue (`transfer_stuck`), its funds still held; never a silent refund',
    ),
  REGISTER_LAG_SECONDS: z.coerce
    .number()
    .min(0)
    .default(1800)
    .describe(
      "how long the registrar's reads may not show our change (Dynadot: up to ~30 minutes after a registration, nameserver, contact, lock or privacy change): a lost register answer is settled within this window, never by registering again; a changed domain is answered from our record (registrar_synced false) and read once after this long by its follow-up, again until twice this long, then a disagreement goes to review (registrar_drift); npm run dev: the simulator's 30 s",
    ),
  EXCHANGE_RATE_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .default(168)
    .describe(
      'an exchange rate older than this refuses the pricing that needs it (catalog import, premium names)',
    ),
  PREMIUM_NAMES: z
    .enum(['allow', 'refuse'])
    .default('allow')
    .describe(
      'premium names of a TLD with no policy of its own (`catalog:premium`): sold at their registrar price plus PREMIUM_MARGIN_BPS, or refused',
    ),
  PREMIUM_MARGIN_BPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(2000)
    .describe(
      "margin on a premium name's registrar price (basis points; 2000 = 20%) where its TLD has no policy of its own",
    ),
  AUTO_RENEW_PRICE_RISE_BPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(1000)
    .describe(
      'an auto-renewal whose yearly price rose above what the reseller last paid by more than this share (basis points; 1000 = 10%) is not charged: it waits for the reseller (webhook domain.renewal_price_changed, portal notice), who renews at the new price by hand',
    ),
};
