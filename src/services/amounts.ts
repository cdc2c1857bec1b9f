import { currencyScale, parseDecimalToMinor } from '../money';
import { validationFailed } from './errors';

/** A decimal amount a caller sent in `field`, as minor units of `currency`; 422 naming the field otherwise. */
export function amountField(value: string, currency: string, field: string): bigint {
  try {
    return parseDecimalToMinor(value, currency);
  } catch {
    throw validationFailed({
      [field]: [`Send the amount as a decimal with at most ${currencyScale(currency)} decimals.`],
    });
  }
}
