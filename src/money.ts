// The scale and formatting are bundle-safe, shared with workflow code: workflows/money.ts.
import { currencyScale, formatMinor } from '../workflows/money';

export {
  CURRENCY_SCALE,
  currencyScale,
  formatMinor,
  isSupportedCurrency,
  SUPPORTED_CURRENCIES,
} from '../workflows/money';

export interface MoneyJson {
  currency: string;
  /** Integer minor units as a string (never a float). */
  amount_minor: string;
  /** Decimal rendering for display. */
  amount: string;
}

export function moneyJson(amount: bigint, currency: string): MoneyJson {
  return { currency, amount_minor: amount.toString(), amount: formatMinor(amount, currency) };
}

/** A decimal as text (`"-1234.50"`) with its whole part's thousands grouped (`"-1,234.50"`). */
export function groupDecimal(text: string): string {
  return text.replace(/^-?\d+/, (whole) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
}

/** `288000n` IDR → `"288,000"`, `1234567n` USD → `"12,345.67"`: for people, thousands grouped. */
export function groupMinor(amount: bigint, currency: string): string {
  return groupDecimal(formatMinor(amount, currency));
}

/** `"77.00"` USD → 7700n; `"150000.00"` IDR → 150000n. Rejects non-zero digits beyond the scale. */
export function parseDecimalToMinor(text: string, currency: string): bigint {
  const scale = currencyScale(currency);
  const m = /^\s*(-)?(\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!m) throw new Error(`not a decimal amount: ${text}`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new Error(`${text} has more precision than ${currency} allows`);
  const minor = BigInt(m[2]! + frac.padEnd(scale, '0'));
  return m[1] ? -minor : minor;
}

/** Like parseDecimalToMinor, but extra precision rounds up to the currency's minor unit (a cost price). */
export function parseDecimalCeilToMinor(text: string, currency: string): bigint {
  const scale = currencyScale(currency);
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!m) throw new Error(`not a decimal amount: ${text}`);
  const frac = m[2] ?? '';
  const kept = BigInt(m[1]! + frac.slice(0, scale).padEnd(scale, '0'));
  return /[1-9]/.test(frac.slice(scale)) ? kept + 1n : kept;
}

/** A positive decimal rate (`16250`, `0.92`, `1.0850`): at most 12 digits before and 10 after the point. */
export const RATE_PATTERN = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,10})?$/;

/**
 * Converts minor units of `from` into minor units of `to` at `rate` (units of `to` per unit of
 * `from`, a decimal text), rounding up to a whole minor unit (a cost converted for pricing never
 * comes out lower). Exact integer arithmetic throughout.
 */
export function convertMinor(amount: bigint, from: string, to: string, rate: string): bigint {
  if (!RATE_PATTERN.test(rate) || /^0(\.0+)?$/.test(rate)) throw new Error(`not a rate: ${rate}`);
  const [whole, frac = ''] = rate.split('.');
  const num = BigInt(whole! + frac) * 10n ** BigInt(currencyScale(to));
  const den = 10n ** BigInt(frac.length + currencyScale(from));
  const scaled = amount * num;
  return scaled >= 0n ? (scaled + den - 1n) / den : -(-scaled / den);
}
