import type { Knex } from 'knex';
import type { LedgerEntryRow } from '../db/models';
import { formatMinor } from '../money';
import { amountField } from './amounts';
import { type Actor, audit } from './audit';
import { unprocessable, validationFailed } from './errors';
import { creditWallet, debitAdjustment, InsufficientBalanceError } from './ledger';
import { findReseller } from './resellers';
import { getBalance } from './wallet';

export interface AdjustmentRequest {
  direction: 'credit' | 'debit';
  /** Decimal, in the reseller's currency. */
  amount: string;
  /** Why (a bank transfer's reference, a goodwill credit…): kept on the entry and in the audit trail. */
  reason: string;
  /** Makes the adjustment happen once however often it is sent. */
  idempotencyKey: string;
}

/**
 * Credits or debits a reseller's wallet by hand (ledger kind `adjustment`, posted at once). A debit
 * never takes the available balance below zero (422 insufficient_balance). The same key answers
 * the same entry again; the same key with another amount or direction is refused.
 */
export async function adjustWallet(
  db: Knex,
  actor: Actor,
  resellerId: number,
  req: AdjustmentRequest,
): Promise<{ entry: LedgerEntryRow; created: boolean }> {
  const reseller = await findReseller(db, resellerId);
  const currency = reseller.currency.trim();
  const amount = amountField(req.amount, currency, 'amount');
  const errors: Record<string, string[]> = {};
  if (amount <= 0n) errors['amount'] = ['The amount must be positive.'];
  if (req.reason.trim().length < 3) errors['reason'] = ['Say why, in at least 3 characters.'];
  if (!/^[\x21-\x7e]{1,255}$/.test(req.idempotencyKey))
    errors['idempotency_key'] = ['1 to 255 visible ASCII characters.'];
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const reference = `adjustment:${resellerId}:${req.idempotencyKey}`;
  const signed = req.direction === 'credit' ? amount : -amount;
  const description = `${req.direction} adjustment: ${req.reason.trim()}`.slice(0, 500);
  try {
    return await db.transaction(async (trx) => {
      const before = await getBalance(trx, resellerId, currency);
      const created =
        req.direction === 'credit'
          ? (
              await creditWallet(trx, {
                resellerId,
                currency,
                amount,
                kind: 'adjustment',
                reference,
                description,
              })
            ).created
          : (await debitAdjustment(trx, { resellerId, currency, amount, reference, description })).created;
      const entry = (await trx('ledgerEntries').where({ reference }).first()) as LedgerEntryRow;
      if (BigInt(entry.amountMinor) !== signed)
        throw unprocessable('idempotency_key_reused', 'This key was used for another adjustment.');
      if (created) {
        const after = await getBalance(trx, resellerId, currency);
        await audit(trx, {
          actor,
          resellerId,
          type: 'wallet_adjusted',
          subjectType: 'ledger_entry',
          subjectId: String(entry.id),
          before: {
            posted: formatMinor(before.posted, currency),
            available: formatMinor(before.available, currency),
          },
          after: {
            posted: formatMinor(after.posted, currency),
            available: formatMinor(after.available, currency),
          },
          data: {
            direction: req.direction,
            amount: formatMinor(amount, currency),
            currency,
            reason: req.reason.trim(),
          },
        });
      }
      return { entry, created };
    });
  } catch (err) {
    if (err instanceof InsufficientBalanceError)
      throw unprocessable(
        'insufficient_balance',
        `The debit would take the balance below zero: ${formatMinor(err.available, currency)} ${currency} available.`,
      );
    throw err;
  }
}
