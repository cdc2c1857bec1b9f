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
}

interface Completed {
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

/** Completed orders between `from` and `to`, per reseller currency: revenue, registrar cost and the margin. */
export async function marginReport(db: Knex, range: { from: Date; to: Date }): Promise<MarginRow[]> {
  const rows = (await db('orders')
    .where('status', 'completed')
    .where('completedAt', '>=', range.from)
    .where('completedAt', '<', range.to)
    .select('currency', 'amountMinor', 'costMinor', 'costCurrency', 'exchangeRate')) as Completed[];
  const by = new Map<
    string,
    {
      orders: number;
      revenue: bigint;
      cost: bigint;
      costCurrency: string | null;
      converted: bigint;
      marginRevenue: bigint;
      without: number;
    }
  >();
  for (const r of rows) {
    const currency = r.currency.trim();
    const g = by.get(currency) ?? {
      orders: 0,
      revenue: 0n,
      cost: 0n,
      costCurrency: null,
      converted: 0n,
      marginRevenue: 0n,
      without: 0,
    };
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
      g.converted += convertCost(BigInt(r.costMinor), costCurrency, currency, r.exchangeRate);
      g.marginRevenue += BigInt(r.amountMinor);
    }
    by.set(currency, g);
  }
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
    }));
}
