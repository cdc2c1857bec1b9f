import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Money } from '../registrar/types';
import { withMarkup } from './catalog';
import { unprocessable } from './errors';
import { convertCost, currentRate, premiumPolicy } from './exchange-rates';

export interface PremiumPrice {
  /** What the reseller pays for `years`, in their currency: converted, the policy's margin, their markup. */
  amountMinor: bigint;
  /** What the registrar charges for `years`, in its currency. */
  cost: Money;
  /** The rate used (registrar currency → reseller currency). */
  rate: string;
}

/**
 * A premium name's price from the registrar's own (its search answer, in the account's
 * currency): refused where the TLD's policy refuses premium names or no current exchange rate is
 * set; otherwise converted, with the policy's margin and the reseller's markup. Never the
 * standard catalog price.
 */
export async function premiumPrice(
  deps: {
    db: Knex;
    config: Pick<Config, 'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS'>;
  },
  args: {
    tld: string;
    years: number;
    registrarPrice: Money;
    registrarCurrency: string;
    reseller: { currency: string; markupBps: number };
  },
): Promise<PremiumPrice> {
  const policy = await premiumPolicy(deps.db, args.tld, {
    allowed: deps.config.PREMIUM_NAMES === 'allow',
    marginBps: deps.config.PREMIUM_MARGIN_BPS,
  });
  if (!policy.allowed)
    throw unprocessable('premium_not_offered', `Premium .${args.tld} names are not sold here.`);
  if (args.registrarPrice.currency !== args.registrarCurrency)
    throw unprocessable('premium_not_offered', 'The registrar priced this premium name in another currency.');
  const currency = args.reseller.currency.trim();
  const rate = await currentRate(
    deps.db,
    args.registrarCurrency,
    currency,
    deps.config.EXCHANGE_RATE_MAX_AGE_HOURS,
    'premium_price',
  );
  const cost = args.registrarPrice.amountMinor * BigInt(args.years);
  const converted = convertCost(cost, args.registrarCurrency, currency, rate);
  return {
    amountMinor: withMarkup(withMarkup(converted, policy.marginBps), args.reseller.markupBps),
    cost: { amountMinor: cost, currency: args.registrarCurrency },
    rate,
  };
}
