import type { Knex } from 'knex';

export interface LedgerFinding {
  check: string;
  detail: string;
}

/**
 * The money invariants, checked against the database:
 * - no wallet's available balance (posted + pending holds) is below zero;
 * - no pending hold belongs to an order that is no longer live (orphan hold); a billing_failed
 *   order's hold stays reserved until its review captures or voids it;
 * - every completed wallet order has exactly one posted hold, every completed invoice order a paid invoice;
 * - every paid order invoice belongs to a completed or still-running order, or was refunded.
 */
export async function checkLedger(db: Knex): Promise<LedgerFinding[]> {
  const findings: LedgerFinding[] = [];
  // Raw results keep Postgres' snake_case column names: camelCase them like every other query.
  const rows = async <T>(sql: string): Promise<T[]> =>
    (await db.raw<{ rows: Array<Record<string, unknown>> }>(sql)).rows.map(
      (row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
            v,
          ]),
        ) as T,
    );

  for (const r of await rows<{ resellerId: number; currency: string; available: string }>(`
    SELECT reseller_id, currency, SUM(amount_minor) FILTER (WHERE status IN ('posted', 'pending'))::text AS available
      FROM ledger_entries GROUP BY reseller_id, currency
    HAVING SUM(amount_minor) FILTER (WHERE status IN ('posted', 'pending')) < 0`)) {
    findings.push({
      check: 'negative balance',
      detail: `reseller ${r.resellerId} ${r.currency.trim()}: available ${r.available}`,
    });
  }
  for (const r of await rows<{ id: string; orderId: number | null; status: string | null }>(`
    SELECT l.id, l.order_id, o.status FROM ledger_entries l LEFT JOIN orders o ON o.id = l.order_id
     WHERE l.kind = 'hold' AND l.status = 'pending'
       AND (o.id IS NULL OR o.status NOT IN ('pending', 'processing', 'billing_failed'))`)) {
    findings.push({
      check: 'orphan hold',
      detail: `ledger entry ${r.id} (order ${r.orderId ?? 'none'}, ${r.status ?? 'missing'})`,
    });
  }
  for (const r of await rows<{ publicId: string; debits: string }>(`
    SELECT o.public_id, count(l.id)::text AS debits FROM orders o
      LEFT JOIN ledger_entries l ON l.order_id = o.id AND l.kind = 'hold' AND l.status = 'posted'
     WHERE o.status = 'completed' AND o.payment_method = 'wallet'
     GROUP BY o.public_id HAVING count(l.id) <> 1`)) {
    findings.push({
      check: 'completed order debits',
      detail: `order ${r.publicId} has ${r.debits} posted debits`,
    });
  }
  for (const r of await rows<{ publicId: string }>(`
    SELECT o.public_id FROM orders o
     WHERE o.status = 'completed' AND o.payment_method = 'invoice'
       AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id AND i.status = 'paid')`)) {
    findings.push({
      check: 'completed order unpaid',
      detail: `order ${r.publicId} completed without a paid invoice`,
    });
  }
  for (const r of await rows<{ publicId: string; status: string }>(`
    SELECT i.public_id, o.status FROM invoices i JOIN orders o ON o.id = i.order_id
     WHERE i.status = 'paid' AND i.purpose = 'order'
       AND o.status NOT IN ('completed', 'processing', 'pending', 'awaiting_payment', 'billing_failed')
       AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.invoice_id = i.id AND l.kind = 'refund')`)) {
    findings.push({
      check: 'paid invoice',
      detail: `invoice ${r.publicId} is paid but its order is ${r.status} and nothing was refunded`,
    });
  }
  return findings;
}
