import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Domain } from '../db/models';
import type { Money, Registrar } from '../registrar/types';
import { quote, withMarkup } from './catalog';
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

/** A renewal's price: the catalog's for a standard name, the registrar's own (premium policy applied) for a premium one. */
export interface RenewalQuote {
  /** What the reseller pays for `years`, in their currency. */
  amountMinor: bigint;
  cost: Money | null;
  /** Set for a premium name (the rate its registrar price was converted at). */
  rate: string | null;
  premium: boolean;
}

/**
 * What renewing a domain costs the reseller: a premium name from the registrar's renewal price
 * for it (`renew` price_check: one registrar call), converted, with the premium margin and the
 * reseller's markup; any other from the catalog. Throws NotOfferedError (catalog) or a 422
 * (premium policy, rate), and lets a registrar failure through.
 */
export async function renewalQuote(
  deps: {
    db: Knex;
    registrar: Pick<Registrar, 'renewalPrice' | 'currency'>;
    config: Pick<Config, 'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS'>;
  },
  args: {
    domain: Pick<Domain, 'name' | 'premium'>;
    tld: string;
    years: number;
    reseller: { currency: string; markupBps: number };
  },
): Promise<RenewalQuote> {
  if (args.domain.premium) {
    const registrarPrice = await deps.registrar.renewalPrice(args.domain.name);
    const p = await premiumPrice(deps, {
      tld: args.tld,
      years: args.years,
      registrarPrice,
      registrarCurrency: deps.registrar.currency,
      reseller: args.reseller,
    });
    return { amountMinor: p.amountMinor, cost: p.cost, rate: p.rate, premium: true };
  }
  const q = await quote(deps.db, {
    tld: args.tld,
    action: 'renew',
    years: args.years,
    currency: args.reseller.currency.trim(),
    markupBps: args.reseller.markupBps,
  });
  return { amountMinor: q.totalMinor, cost: q.cost, rate: null, premium: false };
}
