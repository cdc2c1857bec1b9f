import type { Knex } from 'knex';

export interface Balance {
  currency: string;
  /** Σ posted entries. */
  posted: bigint;
  /** Σ pending holds (a negative number or zero). */
  held: bigint;
  /** posted + held: what new orders may spend. */
  available: bigint;
}

/** A reseller's balance, derived from the append-only ledger (never stored). */
export async function getBalance(db: Knex, resellerId: number, currency: string): Promise<Balance> {
  const row = (await db('ledger_entries')
    .where({ resellerId, currency })
    .select(
      db.raw("COALESCE(SUM(amount_minor) FILTER (WHERE status = 'posted'), 0)::text AS posted"),
      db.raw("COALESCE(SUM(amount_minor) FILTER (WHERE status = 'pending'), 0)::text AS held"),
    )
    .first()) as { posted: string; held: string } | undefined;
  const posted = BigInt(row?.posted ?? '0');
  const held = BigInt(row?.held ?? '0');
  return { currency, posted, held, available: posted + held };
}
