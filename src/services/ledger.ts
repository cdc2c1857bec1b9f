import type { Knex } from 'knex';
import type { LedgerEntryKind, LedgerEntryRow } from '../db/models';
import { getBalance } from './wallet';

export class InsufficientBalanceError extends Error {
  override name = 'InsufficientBalanceError';
  constructor(
    readonly available: bigint,
    readonly required: bigint,
  ) {
    super(`Insufficient balance: ${available} available, ${required} required.`);
  }
}

export class LedgerStateError extends Error {
  override name = 'LedgerStateError';
}

type EntryRow = Pick<LedgerEntryRow, 'id' | 'status' | 'amountMinor'>;

/** Locks the reseller row: every spend of one wallet is serialised behind this lock. */
async function lockWallet(trx: Knex.Transaction, resellerId: number): Promise<void> {
  const row = (await trx('resellers').where({ id: resellerId }).forUpdate().first('id')) as
    { id: number } | undefined;
  if (!row) throw new LedgerStateError(`reseller ${resellerId} does not exist`);
}

async function byReference(trx: Knex | Knex.Transaction, reference: string): Promise<EntryRow | undefined> {
  return (await trx('ledger_entries').where({ reference }).first('id', 'status', 'amountMinor')) as
    EntryRow | undefined;
}

export interface SpendArgs {
  resellerId: number;
  currency: string;
  /** Positive amount to take from the wallet. */
  amount: bigint;
  /** Unique per money movement: a retry with the same reference is a no-op. */
  reference: string;
  orderId?: number | null;
  invoiceId?: number | null;
  description?: string;
}

/**
 * Reserves funds for an order: a pending (negative) entry, placed only when the available
 * balance covers it, with the reseller row locked so two orders cannot spend the same money.
 * Idempotent on `reference`.
 */
export async function placeHold(db: Knex, args: SpendArgs): Promise<{ entryId: string; created: boolean }> {
  return db.transaction(async (trx) => holdIn(trx, args));
}

/** `placeHold` inside the caller's transaction (which then holds the reseller's row lock). */
export async function holdIn(
  trx: Knex.Transaction,
  args: SpendArgs,
): Promise<{ entryId: string; created: boolean }> {
  return spend(trx, args, 'hold', 'pending');
}

/** Takes funds at once (paying an invoice from the wallet): a posted debit, same guard as a hold. */
export async function debitWallet(
  trx: Knex.Transaction,
  args: SpendArgs,
): Promise<{ entryId: string; created: boolean }> {
  return spend(trx, args, 'invoice_payment', 'posted');
}

/** An operator's debit adjustment: posted at once, same guard as a hold (never below zero). */
export async function debitAdjustment(
  trx: Knex.Transaction,
  args: SpendArgs,
): Promise<{ entryId: string; created: boolean }> {
  return spend(trx, args, 'adjustment', 'posted');
}

async function spend(
  trx: Knex.Transaction,
  args: SpendArgs,
  kind: LedgerEntryKind,
  status: 'pending' | 'posted',
): Promise<{ entryId: string; created: boolean }> {
  if (args.amount <= 0n) throw new LedgerStateError('amount must be positive');
  await lockWallet(trx, args.resellerId);
  const existing = await byReference(trx, args.reference);
  if (existing) return { entryId: existing.id, created: false };
  const balance = await getBalance(trx, args.resellerId, args.currency);
  if (balance.available < args.amount) throw new InsufficientBalanceError(balance.available, args.amount);
  const [row] = (await trx('ledger_entries')
    .insert({
      resellerId: args.resellerId,
      kind,
      status,
      amountMinor: (-args.amount).toString(),
      currency: args.currency,
      orderId: args.orderId ?? null,
      invoiceId: args.invoiceId ?? null,
      reference: args.reference,
      description: args.description ?? null,
      postedAt: status === 'posted' ? trx.fn.now() : null,
    })
    .returning('id')) as Array<{ id: string }>;
  return { entryId: row!.id, created: true };
}

/** Posts a pending hold (inside the caller's transaction). Posting twice is a no-op. */
export async function captureHold(trx: Knex.Transaction, reference: string): Promise<void> {
  const entry = await byReference(trx, reference);
  if (!entry) throw new LedgerStateError(`no hold ${reference}`);
  if (entry.status === 'posted') return;
  if (entry.status === 'voided') throw new LedgerStateError(`hold ${reference} was voided`);
  await trx('ledger_entries')
    .where({ id: entry.id, status: 'pending' })
    .update({ status: 'posted', postedAt: trx.fn.now() });
}

/** The ledger reference of an order attempt's hold (attempt 1 keeps the original reference). */
export const holdRef = (orderId: number, attempt = 1): string =>
  attempt === 1 ? `order:${orderId}:hold` : `order:${orderId}:hold:${attempt}`;

/** Releases a pending hold. Voiding twice, or a hold never placed, is a no-op; a posted one is an error. */
export async function voidHold(db: Knex | Knex.Transaction, reference: string): Promise<'voided' | 'absent'> {
  const entry = await byReference(db, reference);
  if (!entry) return 'absent';
  if (entry.status === 'posted') throw new LedgerStateError(`hold ${reference} is already posted`);
  if (entry.status === 'pending') {
    await db('ledger_entries')
      .where({ id: entry.id, status: 'pending' })
      .update({ status: 'voided', voidedAt: db.fn.now() });
  }
  return 'voided';
}

/** Adds money to a wallet (top-up, refund). Idempotent on `reference`. */
export async function creditWallet(
  db: Knex | Knex.Transaction,
  args: Omit<SpendArgs, 'amount'> & { amount: bigint; kind: 'topup' | 'refund' | 'adjustment' },
): Promise<{ created: boolean }> {
  if (args.amount <= 0n) throw new LedgerStateError('amount must be positive');
  const inserted = (await db('ledger_entries')
    .insert({
      resellerId: args.resellerId,
      kind: args.kind,
      status: 'posted',
      amountMinor: args.amount.toString(),
      currency: args.currency,
      orderId: args.orderId ?? null,
      invoiceId: args.invoiceId ?? null,
      reference: args.reference,
      description: args.description ?? null,
      postedAt: db.fn.now(),
    })
    .onConflict('reference')
    .ignore()
    .returning('id')) as unknown[];
  return { created: inserted.length > 0 };
}
