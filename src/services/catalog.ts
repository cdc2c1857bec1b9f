import type { Knex } from 'knex';
import type { CatalogPriceRow } from '../db/models';
import type { OrderAction } from '../../workflows/contracts';

export class NotOfferedError extends Error {
  override name = 'NotOfferedError';
}

/** TLDs with at least one active price: the names the product sells. */
export async function activeTlds(db: Knex): Promise<Set<string>> {
  const rows = await db('catalog_prices').distinct('tld').where({ active: true });
  return new Set(rows.map((r: { tld: string }) => r.tld));
}

export interface Quote {
  tld: string;
  action: OrderAction;
  years: number;
  currency: string;
  /** Per-year catalog price in minor units, before markup. */
  unitMinor: bigint;
  /** What the reseller pays for `years`, markup included. */
  totalMinor: bigint;
  /** What the registrar charges for `years`, in its currency, when the price was imported from it. */
  cost: { amountMinor: bigint; currency: string } | null;
}

/** Applies a markup in basis points, rounding up to a whole minor unit. */
export function withMarkup(amount: bigint, markupBps: number): bigint {
  const scaled = amount * BigInt(10_000 + markupBps);
  return (scaled + 9_999n) / 10_000n;
}

/** Prices an action from the catalog for a reseller (currency and markup from the reseller). */
export async function quote(
  db: Knex,
  args: { tld: string; action: OrderAction; years: number; currency: string; markupBps: number },
): Promise<Quote> {
  const row = (await db('catalog_prices')
    .where({ tld: args.tld, action: args.action, currency: args.currency, active: true })
    .first('priceMinor', 'minYears', 'maxYears', 'costMinor', 'costCurrency')) as
    Pick<CatalogPriceRow, 'priceMinor' | 'minYears' | 'maxYears' | 'costMinor' | 'costCurrency'> | undefined;
  if (!row) throw new NotOfferedError(`.${args.tld} ${args.action} is not offered in ${args.currency}.`);
  if (args.years < row.minYears || args.years > row.maxYears) {
    throw new NotOfferedError(
      `.${args.tld} ${args.action} is offered for ${row.minYears} to ${row.maxYears} years.`,
    );
  }
  const unitMinor = BigInt(row.priceMinor);
  return {
    tld: args.tld,
    action: args.action,
    years: args.years,
    currency: args.currency,
    unitMinor,
    totalMinor: withMarkup(unitMinor * BigInt(args.years), args.markupBps),
    cost:
      row.costMinor !== null && row.costCurrency
        ? { amountMinor: BigInt(row.costMinor) * BigInt(args.years), currency: row.costCurrency.trim() }
        : null,
  };
}

/** One-year prices (markup included) for every active TLD and action in a currency: one query. */
export async function priceTable(
  db: Knex,
  currency: string,
  markupBps: number,
): Promise<Map<string, Partial<Record<OrderAction, bigint>>>> {
  const rows = (await db('catalog_prices')
    .where({ currency, active: true })
    .select('tld', 'action', 'priceMinor')) as Array<Pick<CatalogPriceRow, 'tld' | 'action' | 'priceMinor'>>;
  const table = new Map<string, Partial<Record<OrderAction, bigint>>>();
  for (const r of rows) {
    const entry = table.get(r.tld) ?? {};
    entry[r.action] = withMarkup(BigInt(r.priceMinor), markupBps);
    table.set(r.tld, entry);
  }
  return table;
}

/** A price to set: per year, in minor units. */
export interface CatalogPrice {
  tld: string;
  action: OrderAction;
  currency: string;
  priceMinor: bigint;
}

/** Inserts or updates catalog prices (dev seed, tests, operators). */
export async function upsertPrices(db: Knex, rows: readonly CatalogPrice[]): Promise<void> {
  if (rows.length === 0) return;
  await db('catalog_prices')
    .insert(rows.map((r) => ({ ...r, priceMinor: r.priceMinor.toString(), active: true })))
    .onConflict(['tld', 'action', 'currency'])
    .merge(['priceMinor', 'active']);
}

/** The prices `npm run dev` and the tests start from. */
export const DEMO_CATALOG: readonly CatalogPrice[] = ['com', 'net', 'org', 'io', 'co.tz', 'id'].flatMap(
  (tld) =>
    (['USD', 'IDR', 'TZS'] as const).flatMap((currency) => {
      const base = { com: 1299n, net: 1499n, org: 1399n, io: 3999n, 'co.tz': 2500n, id: 1800n }[tld]!;
      const unit = currency === 'USD' ? base : currency === 'IDR' ? base * 160n : base * 26n;
      return (['register', 'renew', 'transfer'] as const).map((action) => ({
        tld,
        action,
        currency,
        priceMinor: action === 'transfer' ? unit - unit / 10n : unit,
      }));
    }),
);
