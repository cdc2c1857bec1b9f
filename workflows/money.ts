/**
 * Money is an integer count of minor units, carried as bigint in code and as a decimal string
 * in JSON. The scale says how many minor digits a currency has in this product (IDR and TZS are
 * billed in whole units, as the gateways expect).
 *
 * Bundle-safe (no imports): workflow code formats amounts in run summaries with it, and
 * src/money.ts re-exports it for everything else.
 */
export const CURRENCY_SCALE: Readonly<Record<string, number>> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  MYR: 2,
  IDR: 0,
  TZS: 0,
  KES: 2,
  // Dynadot's other account currencies (src/registrar/account.ts).
  CNY: 2,
  CAD: 2,
  MXN: 2,
  BRL: 2,
  INR: 2,
};

export const SUPPORTED_CURRENCIES = Object.keys(CURRENCY_SCALE);

export function currencyScale(currency: string): number {
  const scale = CURRENCY_SCALE[currency.toUpperCase()];
  if (scale === undefined) throw new Error(`unsupported currency ${currency}`);
  return scale;
}

export function isSupportedCurrency(currency: string): boolean {
  return CURRENCY_SCALE[currency.toUpperCase()] !== undefined;
}

/** `12345n` USD → `"123.45"`; `-5n` USD → `"-0.05"`; IDR → `"12345"`. */
export function formatMinor(amount: bigint, currency: string): string {
  const scale = currencyScale(currency);
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const frac = scale === 0 ? '' : `.${digits.slice(-scale)}`;
  return `${negative ? '-' : ''}${whole}${frac}`;
}
