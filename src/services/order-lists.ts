import type { Knex } from 'knex';
import type { InvoiceRow, OrderRow } from '../db/models';
import type { OrderState } from '../../workflows/contracts';
import { orderState } from './orders';

/* Lists of a reseller's orders, as the API and the portal show them. */

/** A reseller's orders with their invoices in a stable order (id ascending), keyset-paginated. */
export async function listOrders(
  db: Knex,
  resellerId: number,
  opts: { limit: number; afterId?: number | undefined },
): Promise<{ items: OrderState[]; lastId: number | null; more: boolean }> {
  const rows = (await db('orders')
    .where({ resellerId })
    .modify((q) => {
      if (opts.afterId !== undefined) void q.where('id', '>', opts.afterId);
    })
    .orderBy('id', 'asc')
    .limit(opts.limit + 1)) as OrderRow[];
  const page = rows.slice(0, opts.limit);
  const invoices = (await db('invoices').whereIn(
    'orderId',
    page.map((o) => o.id),
  )) as InvoiceRow[];
  return {
    items: page.map((o) =>
      orderState(
        o,
        invoices.find((i) => i.orderId === o.id),
      ),
    ),
    lastId: page[page.length - 1]?.id ?? null,
    more: rows.length > opts.limit,
  };
}

/** A reseller's latest orders (newest first), each row with the order as presented (invoice included). */
export async function latestOrderRows(
  db: Knex,
  resellerId: number,
  limit = 10,
): Promise<Array<{ row: OrderRow; order: OrderState }>> {
  const rows = (await db('orders').where({ resellerId }).orderBy('id', 'desc').limit(limit)) as OrderRow[];
  const invoices = (await db('invoices').whereIn(
    'orderId',
    rows.map((o) => o.id),
  )) as InvoiceRow[];
  return rows.map((row) => ({
    row,
    order: orderState(
      row,
      invoices.find((i) => i.orderId === row.id),
    ),
  }));
}

/** A reseller's latest orders (newest first) with their invoices: the dashboard's list. */
export async function latestOrders(db: Knex, resellerId: number, limit = 10): Promise<OrderState[]> {
  return (await latestOrderRows(db, resellerId, limit)).map((o) => o.order);
}

/** A reseller's unpaid order invoices that can still be paid, soonest to expire first. */
export async function unpaidInvoices(
  db: Knex,
  resellerId: number,
): Promise<Array<OrderState & { invoice: NonNullable<OrderState['invoice']> }>> {
  const rows = (await db('invoices as i')
    .join('orders as o', 'o.id', 'i.orderId')
    .where({ 'i.resellerId': resellerId, 'i.status': 'unpaid', 'o.status': 'awaiting_payment' })
    .where('i.expiresAt', '>', db.fn.now())
    .orderBy('i.expiresAt')
    .select('o.*')) as OrderRow[];
  const invoices = (await db('invoices').whereIn(
    'orderId',
    rows.map((o) => o.id),
  )) as InvoiceRow[];
  return rows.map((o) =>
    orderState(
      o,
      invoices.find((i) => i.orderId === o.id),
    ),
  ) as Array<OrderState & { invoice: NonNullable<OrderState['invoice']> }>;
}
