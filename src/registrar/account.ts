/**
 * What a Dynadot account is allowed, by its price level: concurrent requests ("threads") and
 * calls per minute, per account (so shared by every process that uses the key), and how many
 * names one `search` may carry. Sources, cited in docs/api.md ("The registrar account"):
 * Dynadot's api-commands page (threads: regular 1, bulk 5, super bulk 25), its RESTful API
 * rate-limiting table (60 / 600 / 6000 calls a minute), and independent clients that met
 * `too many domains entered, please search one domain per command` on a regular account.
 */
export const ACCOUNT_LEVELS = ['regular', 'bulk', 'super_bulk'] as const;
export type AccountLevel = (typeof ACCOUNT_LEVELS)[number];

export interface AccountLimits {
  /** Requests the account may have in flight at once. */
  threads: number;
  /** Calls the account may make per rate window (a minute at Dynadot). */
  callsPerWindow: number;
  /** Names one `search` call may carry. */
  searchBatch: number;
}

export const ACCOUNT_LIMITS: Readonly<Record<AccountLevel, AccountLimits>> = {
  regular: { threads: 1, callsPerWindow: 60, searchBatch: 1 },
  bulk: { threads: 5, callsPerWindow: 600, searchBatch: 100 },
  super_bulk: { threads: 25, callsPerWindow: 6000, searchBatch: 100 },
};

/** Dynadot's window for the per-minute limit. Tests shorten it (the same for client and simulator). */
export const DYNADOT_RATE_WINDOW_MS = 60_000;

/**
 * The currencies a Dynadot account is billed in (Dynadot help centre; the api3 page lists USD,
 * CNY, GBP, EUR, INR and CAD). Registrar calls carry the account's one currency, never a
 * reseller's (IDR and TZS are not among these).
 */
export const REGISTRAR_CURRENCIES = ['USD', 'GBP', 'EUR', 'CNY', 'CAD', 'MXN', 'BRL', 'INR'] as const;
export type RegistrarCurrency = (typeof REGISTRAR_CURRENCIES)[number];

export function isRegistrarCurrency(c: string): c is RegistrarCurrency {
  return (REGISTRAR_CURRENCIES as readonly string[]).includes(c.toUpperCase());
}
