import type { Knex } from 'knex';
import { Domain } from '../db/models';

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null on the last page. */
  nextCursor: string | null;
}

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

/** Returns the id a cursor stands for, or null when it is not one of ours. */
export function decodeCursor(cursor: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const id = (parsed as { id?: unknown }).id;
    return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
  } catch {
    return null;
  }
}

/** A reseller's domains in a stable order (id ascending), by keyset pagination. */
export async function listDomains(
  db: Knex,
  resellerId: number,
  opts: { limit: number; afterId?: number | undefined },
): Promise<Page<Domain>> {
  const rows = await Domain.query(db)
    .where('resellerId', resellerId)
    .modify((q) => {
      if (opts.afterId !== undefined) void q.where('id', '>', opts.afterId);
    })
    .orderBy('id', 'asc')
    .limit(opts.limit + 1);
  const items = rows.slice(0, opts.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor(last.id) : null };
}
