import type { Knex } from 'knex';
import type { InvoiceRow } from '../db/models';
import type { InvoiceView } from '../../workflows/contracts';

/** An invoice row as workflows carry it and every surface presents it. */
export function invoiceView(row: InvoiceRow): InvoiceView {
  return {
    id: row.id,
    publicId: row.publicId,
    status: row.status,
    amountMinor: String(row.amountMinor),
    currency: row.currency.trim(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    gateway: row.gateway,
    paymentUrl: row.paymentUrl,
    paidAt: row.paidAt ? new Date(row.paidAt).toISOString() : null,
  };
}

/** One of a reseller's invoices by its public id. */
export async function findInvoice(
  db: Knex,
  resellerId: number,
  publicId: string,
): Promise<InvoiceRow | undefined> {
  return (await db('invoices').where({ publicId, resellerId }).first()) as InvoiceRow | undefined;
}
