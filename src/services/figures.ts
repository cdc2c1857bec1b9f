import type { Knex } from 'knex';

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

/** How many of the reseller's orders were placed each of the last `days` days, by their status now. */
export async function ordersByStatusPerDay(
  db: Knex,
  resellerId: number,
  days = 14,
): Promise<{ days: string[]; counts: Record<string, number[]> }> {
  const shown = lastDays(days);
  const { rows } = await db.raw<{ rows: Array<{ day: string; status: string; n: string }> }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, status, count(*) AS n
       FROM orders
      WHERE reseller_id = ? AND created_at >= (now() AT TIME ZONE 'UTC')::date - (?::int - 1)
      GROUP BY 1, 2`,
    [resellerId, days],
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
