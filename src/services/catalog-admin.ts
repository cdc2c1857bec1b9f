import type { Knex } from 'knex';
import type { CatalogPriceRow } from '../db/models';
import { formatMinor, isSupportedCurrency, SUPPORTED_CURRENCIES } from '../money';
import type { Registrar } from '../registrar/types';
import type { OrderAction } from '../../workflows/contracts';
import { type Actor, audit } from './audit';
import { withMarkup } from './catalog';
import { notFound, validationFailed } from './errors';
import { convertCost, currentRate } from './exchange-rates';
import { registrarRead } from './registrar-read';

const ACTIONS: readonly OrderAction[] = ['register', 'renew', 'transfer'];
const TLD = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)?$/;

/** One price to set: per year, in minor units, for one TLD, action and currency. */
export interface PriceInput {
  tld: string;
  action: OrderAction;
  currency: string;
  priceMinor: bigint;
  active?: boolean | undefined;
  minYears?: number | undefined;
  maxYears?: number | undefined;
  /** The registrar's one-year cost behind the price (imports), in its currency; null: not known. */
  cost?: { amountMinor: bigint; currency: string } | null | undefined;
}

export interface PriceFilter {
  tld?: string | undefined;
  action?: OrderAction | undefined;
  currency?: string | undefined;
  active?: boolean | undefined;
}

export async function listPrices(db: Knex, filter: PriceFilter = {}): Promise<CatalogPriceRow[]> {
  return (await db('catalogPrices')
    .modify((q) => {
      if (filter.tld) void q.where('tld', filter.tld.toLowerCase());
      if (filter.action) void q.where('action', filter.action);
      if (filter.currency) void q.where('currency', filter.currency.toUpperCase());
      if (filter.active !== undefined) void q.where('active', filter.active);
    })
    .orderBy(['tld', 'currency', 'action'])) as CatalogPriceRow[];
}

/** A price input checked and normalised; `where` names the place in field errors (`prices.3`, `line 4`). */
export function checkPrice(p: PriceInput, where = 'price'): PriceInput {
  const errors: string[] = [];
  const tld = p.tld.trim().toLowerCase().replace(/^\./, '');
  const currency = p.currency.trim().toUpperCase();
  if (!TLD.test(tld)) errors.push(`"${p.tld}" is not a TLD such as com or co.tz.`);
  if (!ACTIONS.includes(p.action))
    errors.push(`The action must be register, renew or transfer, not "${p.action}".`);
  if (!isSupportedCurrency(currency))
    errors.push(`"${p.currency}" is not a supported currency (${SUPPORTED_CURRENCIES.join(', ')}).`);
  if (p.priceMinor <= 0n) errors.push('The price must be positive.');
  const min = p.minYears ?? 1;
  const max = p.maxYears ?? 10;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 10 || min > max)
    errors.push('Years must satisfy 1 ≤ min_years ≤ max_years ≤ 10.');
  if (errors.length > 0) throw validationFailed({ [where]: errors });
  return { ...p, tld, currency, active: p.active ?? true, minYears: min, maxYears: max };
}

export interface PriceChange {
  tld: string;
  action: OrderAction;
  currency: string;
  change: 'added' | 'changed' | 'unchanged';
  before: { price: string; active: boolean; min_years: number; max_years: number } | null;
  after: { price: string; active: boolean; min_years: number; max_years: number };
}

const shown = (
  currency: string,
  priceMinor: bigint | string,
  active: boolean,
  minYears: number,
  maxYears: number,
) => ({
  price: formatMinor(BigInt(priceMinor), currency),
  active,
  min_years: minYears,
  max_years: maxYears,
});

/** What setting these prices would change: each one added, changed or unchanged. */
export async function diffPrices(
  db: Knex | Knex.Transaction,
  prices: readonly PriceInput[],
): Promise<PriceChange[]> {
  const current = (await db('catalogPrices')) as CatalogPriceRow[];
  const byKey = new Map(current.map((r) => [`${r.tld}|${r.action}|${r.currency.trim()}`, r]));
  return prices.map((p) => {
    const row = byKey.get(`${p.tld}|${p.action}|${p.currency}`);
    const after = shown(p.currency, p.priceMinor, p.active ?? true, p.minYears ?? 1, p.maxYears ?? 10);
    const before = row ? shown(p.currency, row.priceMinor, row.active, row.minYears, row.maxYears) : null;
    const change = !before
      ? 'added'
      : JSON.stringify(before) === JSON.stringify(after)
        ? 'unchanged'
        : 'changed';
    return { tld: p.tld, action: p.action, currency: p.currency, change, before, after };
  });
}

/**
 * Sets prices (insert or update, one transaction) and audits what changed; with `dryRun` only
 * answers the diff. Prices not named are left as they are.
 */
export async function setPrices(
  db: Knex,
  actor: Actor,
  input: readonly PriceInput[],
  opts: { dryRun?: boolean; source?: string } = {},
): Promise<PriceChange[]> {
  const prices = input.map((p, i) => checkPrice(p, input.length === 1 ? 'price' : `prices.${i}`));
  const keys = new Set(prices.map((p) => `${p.tld}|${p.action}|${p.currency}`));
  if (keys.size !== prices.length)
    throw validationFailed({ prices: ['A TLD, action and currency appears twice.'] });
  if (opts.dryRun) return diffPrices(db, prices);
  return db.transaction(async (trx) => {
    await trx.raw('LOCK TABLE catalog_prices IN SHARE ROW EXCLUSIVE MODE');
    const changes = await diffPrices(trx, prices);
    const changed = prices.filter((_, i) => changes[i]!.change !== 'unchanged');
    if (changed.length > 0) {
      await trx('catalogPrices')
        .insert(
          changed.map((p) => ({
            tld: p.tld,
            action: p.action,
            currency: p.currency,
            priceMinor: p.priceMinor.toString(),
            active: p.active,
            minYears: p.minYears,
            maxYears: p.maxYears,
            costMinor: p.cost ? p.cost.amountMinor.toString() : null,
            costCurrency: p.cost?.currency ?? null,
          })),
        )
        .onConflict(['tld', 'action', 'currency'])
        .merge(['priceMinor', 'active', 'minYears', 'maxYears', 'costMinor', 'costCurrency', 'updatedAt']);
      await audit(trx, {
        actor,
        resellerId: null,
        type: 'catalog_prices_set',
        subjectType: 'catalog',
        subjectId: opts.source ?? 'prices',
        data: { changes: changes.filter((c) => c.change !== 'unchanged') },
      });
    }
    return changes;
  });
}

export async function deletePrice(
  db: Knex,
  actor: Actor,
  key: { tld: string; action: OrderAction; currency: string },
): Promise<void> {
  const where = { tld: key.tld.toLowerCase(), action: key.action, currency: key.currency.toUpperCase() };
  await db.transaction(async (trx) => {
    const row = (await trx('catalogPrices').where(where).first()) as CatalogPriceRow | undefined;
    if (!row) throw notFound('No such price.', 'price_not_found');
    await trx('catalogPrices').where({ id: row.id }).del();
    await audit(trx, {
      actor,
      resellerId: null,
      type: 'catalog_price_deleted',
      subjectType: 'catalog',
      subjectId: `${where.tld}/${where.action}/${where.currency}`,
      before: shown(where.currency, row.priceMinor, row.active, row.minYears, row.maxYears),
    });
  });
}

/**
 * Prices from the registrar's own price list (Dynadot `tld_price`, in the registrar account's
 * currency), converted into the catalog currency at the operator's exchange rate, plus a margin,
 * rounded up to a whole minor unit: register, renew and transfer for each TLD asked for (all it
 * sells when none are). Each price keeps the registrar's cost behind it. A missing or stale rate
 * refuses the import. With `dryRun` only the diff.
 */
export async function importRegistrarPrices(
  deps: {
    db: Knex;
    registrar: Pick<Registrar, 'tldPrices' | 'currency'>;
    config: { EXCHANGE_RATE_MAX_AGE_HOURS: number };
  },
  actor: Actor,
  req: { marginBps: number; currency: string; tlds?: readonly string[] | undefined; dryRun?: boolean },
): Promise<{ changes: PriceChange[]; missing: string[]; rate: string; registrarCurrency: string }> {
  const currency = req.currency.toUpperCase();
  if (!isSupportedCurrency(currency))
    throw validationFailed({ currency: [`A supported currency (${SUPPORTED_CURRENCIES.join(', ')}).`] });
  const from = deps.registrar.currency;
  const rate = await currentRate(deps.db, from, currency, deps.config.EXCHANGE_RATE_MAX_AGE_HOURS);
  const wanted = req.tlds?.map((t) => t.trim().toLowerCase().replace(/^\./, '')).filter(Boolean);
  const list = await registrarRead(() => deps.registrar.tldPrices());
  const prices: PriceInput[] = [];
  for (const entry of list) {
    if (wanted && wanted.length > 0 && !wanted.includes(entry.tld)) continue;
    if (entry.currency !== from) continue;
    for (const action of ACTIONS) {
      const cost = entry[action];
      if (cost !== null && cost > 0n)
        prices.push({
          tld: entry.tld,
          action,
          currency,
          priceMinor: withMarkup(convertCost(cost, from, currency, rate), req.marginBps),
          cost: { amountMinor: cost, currency: from },
        });
    }
  }
  const found = new Set(prices.map((p) => p.tld));
  const missing = (wanted ?? []).filter((t) => !found.has(t));
  if (prices.length === 0)
    throw validationFailed({ tld: [`The registrar lists none of these TLDs (in ${from}).`] });
  const changes = await setPrices(deps.db, actor, prices, {
    dryRun: req.dryRun ?? false,
    source: `registrar import (${from}→${currency} at ${rate}, +${req.marginBps} bps)`,
  });
  return { changes, missing, rate, registrarCurrency: from };
}
