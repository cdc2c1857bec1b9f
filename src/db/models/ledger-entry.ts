export type LedgerEntryKind = 'topup' | 'hold' | 'refund' | 'invoice_payment' | 'adjustment';
export type LedgerEntryStatus = 'pending' | 'posted' | 'voided';

/** A row of the append-only `ledger_entries`: credits positive, debits and holds negative. */
export interface LedgerEntryRow {
  id: string;
  resellerId: number;
  kind: LedgerEntryKind;
  status: LedgerEntryStatus;
  amountMinor: string;
  currency: string;
  orderId: number | null;
  invoiceId: number | null;
  /** Unique per money movement: what makes a retried movement a no-op. */
  reference: string | null;
  description: string | null;
  createdAt: Date;
  postedAt: Date | null;
  voidedAt: Date | null;
}
