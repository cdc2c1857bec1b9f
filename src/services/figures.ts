import type { Knex } from 'knex';
import { addToTally, completedOrders, type MarginTally } from './margins';

/** The last `days` days (UTC) as `YYYY-MM-DD`, oldest first, today last. */
export function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** The wallet's posted balance at the end of each of the last `days` days (UTC). */
export async function dailyBalances(
  db: Knex,
  resellerId: number,
  currency: string,
  days = 30,
): Promise<Array<{ day: string; balanceMinor: bigint }>> {
  const { rows } = await db.raw<{ rows: Array<{ day: string; total: string | null }> }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS day,
            (SELECT sum(amount_minor) FROM ledger_entries
              WHERE reseller_id = ? AND currency = ? AND status = 'posted'
                AND posted_at < (d + interval '1 day') AT TIME ZONE 'UTC') AS total
       FROM generate_series((now() AT TIME ZONE 'UTC')::date - (?::int - 1),
                            (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d
      ORDER BY d`,
    [resellerId, currency, days],
  );
  return rows.map((r) => ({ day: r.day, balanceMinor: BigInt(r.total ?? '0') }));
}

export const ORDER_STATUSES_SHOWN = [
  'completed',
  'processing',
  'awaiting_payment',
  'failed',
  'cancelled',
] as const;

/** Statuses counted with the one a reseller reads them as. */
const SHOWN_AS: Record<string, string> = { pending: 'processing', billing_failed: 'processing' };

/**
 * How many orders were placed each of the last `days` days, by their status now: one reseller's,
 * or every reseller's (null).
 */
export async function ordersByStatusPerDay(
  db: Knex,
  resellerId: number | null,
  days = 14,
): Promise<{ days: string[]; counts: Record<string, number[]> }> {
  const shown = lastDays(days);
  const { rows } = await db.raw<{ rows: Array<{ day: string; status: string; n: string }> }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, status, count(*) AS n
       FROM orders
      WHERE (?::int IS NULL OR reseller_id = ?)
        AND created_at >= (now() AT TIME ZONE 'UTC')::date - (?::int - 1)
      GROUP BY 1, 2`,
    [resellerId, resellerId, days],
  );
  const counts: Record<string, number[]> = {};
  for (const row of rows) {
    const status = SHOWN_AS[row.status] ?? row.status;
    const i = shown.indexOf(row.day);
    if (i < 0) continue;
    (counts[status] ??= Array<number>(days).fill(0))[i]! += Number(row.n);
  }
  return { days: shown, counts };
}

/** One reseller currency's revenue and margin per day, in minor units of that currency. */
export interface CurrencyPerDay {
  currency: string;
  revenue: bigint[];
  /** Revenue less the registrar cost, of the orders whose cost is known. */
  margin: bigint[];
  /** Orders left out of the margin (no recorded cost or rate). */
  withoutCost: number[];
  /** Orders sold below their cost (each a loss, shown apart from the margin line). */
  belowCost: number[];
}

/**
 * Revenue and margin of the orders completed each of the last `days` days (UTC), one entry per
 * reseller currency (amounts in different currencies are never added up).
 */
export async function revenuePerDay(
  db: Knex,
  days = 14,
  now = new Date(),
): Promise<{ days: string[]; currencies: CurrencyPerDay[] }> {
  const shown = lastDays(days, now);
  const from = new Date(`${shown[0]!}T00:00:00Z`);
  const tallies = shown.map(() => new Map<string, MarginTally>());
  for (const order of await completedOrders(db, { from, to: now })) {
    const i = shown.indexOf(new Date(order.completedAt).toISOString().slice(0, 10));
    if (i >= 0) addToTally(tallies[i]!, order);
  }
  const currencies = [...new Set(tallies.flatMap((t) => [...t.keys()]))].sort();
  return {
    days: shown,
    currencies: currencies.map((currency) => {
      const of = (i: number) => tallies[i]!.get(currency);
      return {
        currency,
        revenue: shown.map((_, i) => of(i)?.revenue ?? 0n),
        margin: shown.map((_, i) => {
          const t = of(i);
          return t ? t.marginRevenue - t.converted : 0n;
        }),
        withoutCost: shown.map((_, i) => of(i)?.without ?? 0),
        belowCost: shown.map((_, i) => of(i)?.belowCost ?? 0),
      };
    }),
  };
}

/**
 * Webhook delivery attempts each of the last `days` days (UTC), and how many of them the receiver
 * accepted (a 2xx): the success rate a receiver's operator would see.
 */
export async function webhookDeliveriesPerDay(
  db: Knex,
  days = 14,
): Promise<{ days: string[]; attempts: number[]; delivered: number[] }> {
  const shown = lastDays(days);
  const { rows } = await db.raw<{ rows: Array<{ day: string; attempts: string; delivered: string }> }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
            count(*) AS attempts, count(*) FILTER (WHERE delivered) AS delivered
       FROM webhook_deliveries
      WHERE created_at >= (now() AT TIME ZONE 'UTC')::date - (?::int - 1)
      GROUP BY 1`,
    [days],
  );
  const at = new Map(rows.map((r) => [r.day, r]));
  return {
    days: shown,
    attempts: shown.map((d) => Number(at.get(d)?.attempts ?? 0)),
    delivered: shown.map((d) => Number(at.get(d)?.delivered ?? 0)),
  };
}
