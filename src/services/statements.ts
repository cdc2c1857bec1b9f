import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import type { LedgerEntryRow } from '../db/models';
import { formatMinor } from '../money';
import { validationFailed } from './errors';
import { findReseller } from './resellers';

/** A posted entry as a statement line: with the order or invoice it belongs to and the balance after it. */
export interface StatementLine {
  entry: LedgerEntryRow;
  orderPublicId: string | null;
  invoicePublicId: string | null;
  balanceAfter: bigint;
}

export interface Statement {
  currency: string;
  from: Date | null;
  until: Date | null;
  /** Σ posted before `from` (0 without one). */
  opening: bigint;
  /** Σ posted before `until` (everything posted, without one). */
  closing: bigint;
  lines: StatementLine[];
  /** Funds reserved now (pending holds), not yet part of any balance line. */
  holds: Array<{ entry: LedgerEntryRow; orderPublicId: string | null }>;
  /** Opaque cursor for the next page of lines, or null on the last page. */
  nextCursor: string | null;
}

const encode = (e: { postedAt: Date; id: string }) =>
  Buffer.from(JSON.stringify([e.postedAt.toISOString(), e.id])).toString('base64url');

function decode(cursor: string): { postedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const postedAt = new Date(at);
    if (Number.isNaN(postedAt.getTime()) || !/^\d+$/.test(id)) throw new Error('bad cursor');
    return { postedAt, id };
  } catch {
    throw validationFailed({ cursor: ['Not a cursor this endpoint gave.'] });
  }
}

async function postedSum(
  db: Knex,
  resellerId: number,
  currency: string,
  where: (q: Knex.QueryBuilder) => void,
) {
  const row = (await db('ledgerEntries')
    .where({ resellerId, currency, status: 'posted' })
    .modify(where)
    .first(db.raw('coalesce(sum(amount_minor), 0)::text as total'))) as { total: string };
  return BigInt(row.total);
}

/**
 * A reseller's wallet statement for a period (posted entries by the time they were posted, keyset-
 * paginated), with the opening and closing balance of the period and the holds pending now.
 */
export async function walletStatement(
  db: Knex,
  resellerId: number,
  opts: { from?: Date | undefined; until?: Date | undefined; cursor?: string | undefined; limit: number },
): Promise<Statement> {
  if (opts.from && opts.until && opts.from >= opts.until)
    throw validationFailed({ until: ['The end of the period must come after its start.'] });
  const reseller = await findReseller(db, resellerId);
  const currency = reseller.currency.trim();
  const after = opts.cursor ? decode(opts.cursor) : null;
  const inPeriod = (q: Knex.QueryBuilder) => {
    if (opts.from) void q.where('l.postedAt', '>=', opts.from);
    if (opts.until) void q.where('l.postedAt', '<', opts.until);
  };
  const rows = (await db('ledgerEntries as l')
    .leftJoin('orders as o', 'o.id', 'l.orderId')
    .leftJoin('invoices as i', 'i.id', 'l.invoiceId')
    .where({ 'l.resellerId': resellerId, 'l.currency': currency, 'l.status': 'posted' })
    .modify(inPeriod)
    .modify((q) => {
      if (after)
        void q.where((w) => {
          void w
            .where('l.postedAt', '>', after.postedAt)
            .orWhere((e) => void e.where('l.postedAt', after.postedAt).where('l.id', '>', after.id));
        });
    })
    .orderBy([
      { column: 'l.postedAt', order: 'asc' },
      { column: 'l.id', order: 'asc' },
    ])
    .limit(opts.limit + 1)
    .select('l.*', 'o.publicId as orderPublicId', 'i.publicId as invoicePublicId')) as Array<
    LedgerEntryRow & { orderPublicId: string | null; invoicePublicId: string | null; postedAt: Date }
  >;
  const page = rows.slice(0, opts.limit);
  const [opening, closing] = await Promise.all([
    opts.from
      ? postedSum(db, resellerId, currency, (q) => void q.where('postedAt', '<', opts.from!))
      : Promise.resolve(0n),
    postedSum(db, resellerId, currency, (q) => {
      if (opts.until) void q.where('postedAt', '<', opts.until);
    }),
  ]);
  const first = page[0];
  let running = first
    ? await postedSum(db, resellerId, currency, (q) => {
        void q.where((w) => {
          void w
            .where('postedAt', '<', first.postedAt)
            .orWhere((e) => void e.where('postedAt', first.postedAt).where('id', '<', first.id));
        });
      })
    : 0n;
  const lines = page.map(({ orderPublicId, invoicePublicId, ...entry }) => {
    running += BigInt(entry.amountMinor);
    return { entry, orderPublicId, invoicePublicId, balanceAfter: running };
  });
  const holds = (await db('ledgerEntries as l')
    .leftJoin('orders as o', 'o.id', 'l.orderId')
    .where({ 'l.resellerId': resellerId, 'l.currency': currency, 'l.status': 'pending' })
    .orderBy('l.id')
    .select('l.*', 'o.publicId as orderPublicId')) as Array<
    LedgerEntryRow & { orderPublicId: string | null }
  >;
  const last = page[page.length - 1];
  return {
    currency,
    from: opts.from ?? null,
    until: opts.until ?? null,
    opening,
    closing,
    lines,
    holds: holds.map(({ orderPublicId, ...entry }) => ({ entry, orderPublicId })),
    nextCursor: rows.length > opts.limit && last ? encode(last) : null,
  };
}

/** The whole period's statement as CSV (every line, then the pending holds). */
export async function walletStatementCsv(
  db: Knex,
  resellerId: number,
  opts: { from?: Date | undefined; until?: Date | undefined },
): Promise<string> {
  const records: string[][] = [];
  let cursor: string | undefined;
  let statement: Statement;
  do {
    statement = await walletStatement(db, resellerId, { ...opts, cursor, limit: 1000 });
    for (const l of statement.lines) {
      records.push([
        l.entry.postedAt!.toISOString(),
        String(l.entry.id),
        l.entry.kind,
        l.entry.description ?? '',
        l.orderPublicId ?? '',
        l.invoicePublicId ?? '',
        formatMinor(BigInt(l.entry.amountMinor), statement.currency),
        formatMinor(l.balanceAfter, statement.currency),
        statement.currency,
      ]);
    }
    cursor = statement.nextCursor ?? undefined;
  } while (cursor);
  const money = (v: bigint) => formatMinor(v, statement.currency);
  return stringify(
    [
      ['', '', 'opening', '', '', '', '', money(statement.opening), statement.currency],
      ...records,
      ['', '', 'closing', '', '', '', '', money(statement.closing), statement.currency],
      ...statement.holds.map((h) => [
        h.entry.createdAt.toISOString(),
        String(h.entry.id),
        'hold (pending)',
        h.entry.description ?? '',
        h.orderPublicId ?? '',
        '',
        money(BigInt(h.entry.amountMinor)),
        '',
        statement.currency,
      ]),
    ],
    {
      header: true,
      columns: [
        'posted_at',
        'entry_id',
        'kind',
        'description',
        'order',
        'invoice',
        'amount',
        'balance_after',
        'currency',
      ],
    },
  );
}
