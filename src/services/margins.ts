import type { Knex } from 'knex';
import { formatMinor } from '../money';
import { convertCost } from './exchange-rates';

export interface MarginRow {
  currency: string;
  orders: number;
  /** What resellers paid, in their currency. */
  revenue: string;
  /** The registrar's cost of the orders whose cost is known, in the registrar's currency. */
  cost: string;
  costCurrency: string | null;
  /** The cost in the reseller currency at each order's recorded rate. */
  costConverted: string;
  margin: string;
  /** Orders with no known cost or rate (priced from CSV, or before costs were recorded): left out of the margin. */
  withoutCost: number;
  /** Orders sold for less than they cost: never hidden inside a positive total. */
  belowCost: number;
  /** What those orders lost together (a positive amount, reseller currency). */
  loss: string;
}

export interface Completed {
  currency: string;
  amountMinor: string;
  costMinor: string | null;
  costCurrency: string | null;
  exchangeRate: string | null;
}

/** The report's range: `to` defaults to now, `from` to 30 days before `to`. */
export function marginRange(range: { from?: Date | undefined; to?: Date | undefined }): {
  from: Date;
  to: Date;
} {
  const to = range.to ?? new Date();
  return { from: range.from ?? new Date(to.getTime() - 30 * 86_400_000), to };
}

/** One currency's completed orders: what resellers paid and what the registrar cost, in minor units. */
export interface MarginTally {
  orders: number;
  revenue: bigint;
  /** The registrar's cost, in its currency (`costCurrency`), of the orders whose cost is known. */
  cost: bigint;
  costCurrency: string | null;
  /** That cost in the reseller currency at each order's recorded rate. */
  converted: bigint;
  /** The revenue of the orders whose cost is known: the margin is this less `converted`. */
  marginRevenue: bigint;
  without: number;
  /** Orders whose revenue was less than their converted cost, and the sum of those shortfalls. */
  belowCost: number;
  loss: bigint;
}

const emptyTally = (): MarginTally => ({
  orders: 0,
  revenue: 0n,
  cost: 0n,
  costCurrency: null,
  converted: 0n,
  marginRevenue: 0n,
  without: 0,
  belowCost: 0,
  loss: 0n,
});

/** Adds one completed order to its currency's tally (an order of unknown cost counts as revenue only). */
export function addToTally(by: Map<string, MarginTally>, r: Completed): void {
  const currency = r.currency.trim();
  const g = by.get(currency) ?? emptyTally();
  g.orders += 1;
  g.revenue += BigInt(r.amountMinor);
  const costCurrency = r.costCurrency?.trim() ?? null;
  if (
    r.costMinor === null ||
    !costCurrency ||
    r.exchangeRate === null ||
    (g.costCurrency && g.costCurrency !== costCurrency)
  ) {
    g.without += 1;
  } else {
    g.costCurrency = costCurrency;
    g.cost += BigInt(r.costMinor);
    const converted = convertCost(BigInt(r.costMinor), costCurrency, currency, r.exchangeRate);
    g.converted += converted;
    g.marginRevenue += BigInt(r.amountMinor);
    if (BigInt(r.amountMinor) < converted) {
      g.belowCost += 1;
      g.loss += converted - BigInt(r.amountMinor);
    }
  }
  by.set(currency, g);
}

/** Completed orders between `from` and `to`, with when each completed. */
export async function completedOrders(
  db: Knex,
  range: { from: Date; to: Date },
): Promise<Array<Completed & { completedAt: Date }>> {
  return (await db('orders')
    .where('status', 'completed')
    .where('completedAt', '>=', range.from)
    .where('completedAt', '<', range.to)
    .select('currency', 'amountMinor', 'costMinor', 'costCurrency', 'exchangeRate', 'completedAt')) as Array<
    Completed & { completedAt: Date }
  >;
}

/**
 * Completed orders between `from` and `to`, per reseller currency: revenue, registrar cost and the
 * margin, with the orders sold below their cost counted apart (a loss is never netted out of sight).
 */
export async function marginReport(db: Knex, range: { from: Date; to: Date }): Promise<MarginRow[]> {
  const by = new Map<string, MarginTally>();
  for (const r of await completedOrders(db, range)) addToTally(by, r);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, g]) => ({
      currency,
      orders: g.orders,
      revenue: formatMinor(g.revenue, currency),
      cost: g.costCurrency ? formatMinor(g.cost, g.costCurrency) : '0',
      costCurrency: g.costCurrency,
      costConverted: formatMinor(g.converted, currency),
      margin: formatMinor(g.marginRevenue - g.converted, currency),
      withoutCost: g.without,
      belowCost: g.belowCost,
      loss: formatMinor(g.loss, currency),
    }));
}
