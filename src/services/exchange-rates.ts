/**
 * Exchange rates from the registrar account's currency to the resellers' currencies: operator
 * data, set from the CLI, the admin API or the console, each change audited. A rate is used to
 * turn a registrar cost into a reseller price (the catalog import, premium names); a missing or
 * stale one refuses that pricing rather than guess.
 */
import type { Knex } from 'knex';
import { convertMinor, isSupportedCurrency, RATE_PATTERN, SUPPORTED_CURRENCIES } from '../money';
import { type Actor, audit } from './audit';
import { unprocessable, validationFailed } from './errors';

export interface ExchangeRate {
  from: string;
  to: string;
  rate: string;
  setBy: string;
  setAt: Date;
}

interface RateRow {
  fromCurrency: string;
  toCurrency: string;
  rate: string;
  setBy: string;
  setAt: Date;
}

const view = (r: RateRow): ExchangeRate => ({
  from: r.fromCurrency.trim(),
  to: r.toCurrency.trim(),
  rate: r.rate,
  setBy: r.setBy,
  setAt: new Date(r.setAt),
});

export async function listRates(db: Knex): Promise<ExchangeRate[]> {
  const rows = (await db('exchange_rates').orderBy(['from_currency', 'to_currency'])) as RateRow[];
  return rows.map(view);
}

/** Sets `from → to` (upsert) and audits the change; `from` is the registrar account's currency. */
export async function setRate(
  db: Knex,
  actor: Actor,
  req: { from: string; to: string; rate: string },
): Promise<ExchangeRate> {
  const from = req.from.trim().toUpperCase();
  const to = req.to.trim().toUpperCase();
  const rate = req.rate.trim();
  const errors: Record<string, string[]> = {};
  if (!isSupportedCurrency(to))
    errors['currency'] = [`"${req.to}" is not a supported currency (${SUPPORTED_CURRENCIES.join(', ')}).`];
  else if (to === from) errors['currency'] = [`${to} is the registrar's own currency: its rate is 1.`];
  if (!RATE_PATTERN.test(rate) || /^0(\.0+)?$/.test(rate))
    errors['rate'] = [`"${req.rate}" is not a positive decimal rate such as 16250 or 0.92.`];
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  return db.transaction(async (trx) => {
    const before = (await trx('exchange_rates')
      .where({ fromCurrency: from, toCurrency: to })
      .forUpdate()
      .first()) as RateRow | undefined;
    const [row] = (await trx('exchange_rates')
      .insert({ fromCurrency: from, toCurrency: to, rate, setBy: actor, setAt: trx.fn.now() })
      .onConflict(['from_currency', 'to_currency'])
      .merge(['rate', 'setBy', 'setAt'])
      .returning('*')) as RateRow[];
    await audit(trx, {
      actor,
      resellerId: null,
      type: 'exchange_rate_set',
      subjectType: 'exchange_rate',
      subjectId: `${from}/${to}`,
      before: before ? { rate: before.rate, set_at: new Date(before.setAt).toISOString() } : null,
      after: { rate },
    });
    return view(row!);
  });
}

/** A rate to price with: 1 within a currency; otherwise the operator's, refused when missing or stale. */
export async function currentRate(
  db: Knex,
  from: string,
  to: string,
  maxAgeHours: number,
  field = 'currency',
): Promise<string> {
  if (from === to) return '1';
  const row = await rateRow(db, from, to);
  if (!row)
    throw unprocessable(
      'exchange_rate_missing',
      `No ${from}→${to} exchange rate is set: an operator sets one with rates:set --to ${to} --rate <${to} per ${from}>.`,
      { [field]: [`No ${from}→${to} exchange rate is set.`] },
    );
  const ageHours = (Date.now() - new Date(row.setAt).getTime()) / 3_600_000;
  if (ageHours > maxAgeHours)
    throw unprocessable(
      'exchange_rate_stale',
      `The ${from}→${to} exchange rate was set ${Math.floor(ageHours)} hours ago (at most ${maxAgeHours} allowed): set a current one first.`,
      { [field]: [`The ${from}→${to} exchange rate is stale.`] },
    );
  return row.rate;
}

/** The rate as set now, whatever its age (to record beside an order's cost); null when none is set. */
export async function rateAsSet(db: Knex, from: string, to: string): Promise<string | null> {
  if (from === to) return '1';
  return (await rateRow(db, from, to))?.rate ?? null;
}

async function rateRow(db: Knex, from: string, to: string): Promise<RateRow | undefined> {
  return (await db('exchange_rates').where({ fromCurrency: from, toCurrency: to }).first()) as
    RateRow | undefined;
}

/** A registrar cost in a reseller currency at `rate`, rounded up. */
export function convertCost(amountMinor: bigint, from: string, to: string, rate: string): bigint {
  return from === to ? amountMinor : convertMinor(amountMinor, from, to, rate);
}

/** Premium names of a TLD: sold or not, and the margin on the registrar's premium price. */
export interface PremiumPolicy {
  tld: string;
  allowed: boolean;
  marginBps: number;
  /** false: no row, the configured default. */
  configured: boolean;
}

export async function premiumPolicy(
  db: Knex,
  tld: string,
  defaults: { allowed: boolean; marginBps: number },
): Promise<PremiumPolicy> {
  const row = (await db('premium_policies').where({ tld }).first()) as
    { tld: string; allowed: boolean; marginBps: number } | undefined;
  return row ? { ...row, configured: true } : { tld, ...defaults, configured: false };
}

export async function listPremiumPolicies(db: Knex): Promise<PremiumPolicy[]> {
  const rows = (await db('premium_policies').orderBy('tld')) as Array<{
    tld: string;
    allowed: boolean;
    marginBps: number;
  }>;
  return rows.map((r) => ({ tld: r.tld, allowed: r.allowed, marginBps: r.marginBps, configured: true }));
}

export async function setPremiumPolicy(
  db: Knex,
  actor: Actor,
  req: { tld: string; allowed: boolean; marginBps: number },
): Promise<PremiumPolicy> {
  const tld = req.tld.trim().toLowerCase().replace(/^\./, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(tld))
    throw validationFailed({ tld: [`"${req.tld}" is not a TLD.`] });
  if (!Number.isInteger(req.marginBps) || req.marginBps < 0 || req.marginBps > 100_000)
    throw validationFailed({ margin: ['The margin is 0% to 1000%.'] });
  return db.transaction(async (trx) => {
    const before = (await trx('premium_policies').where({ tld }).first()) as
      Record<string, unknown> | undefined;
    await trx('premium_policies')
      .insert({ tld, allowed: req.allowed, marginBps: req.marginBps, updatedAt: trx.fn.now() })
      .onConflict('tld')
      .merge(['allowed', 'marginBps', 'updatedAt']);
    await audit(trx, {
      actor,
      resellerId: null,
      type: 'premium_policy_set',
      subjectType: 'catalog',
      subjectId: `premium/${tld}`,
      before: before ? { allowed: before['allowed'], margin_bps: before['marginBps'] } : null,
      after: { allowed: req.allowed, margin_bps: req.marginBps },
    });
    return { tld, allowed: req.allowed, marginBps: req.marginBps, configured: true };
  });
}
