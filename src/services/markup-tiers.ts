import type { Knex } from 'knex';
import type { MarkupTierRow } from '../db/models';
import { type Actor, audit } from './audit';
import { notFound, validationFailed } from './errors';

/** Basis points from "20%", "12.5 %" or "2000bps"; 422 naming `field` otherwise. */
export function parseMarkup(text: string, field = 'markup'): number {
  const t = text.trim().toLowerCase();
  const pct = /^(\d{1,4}(?:\.\d{1,2})?)\s*%$/.exec(t);
  const bps = /^(\d{1,6})\s*bps$/.exec(t);
  const value = pct ? Math.round(Number(pct[1]) * 100) : bps ? Number(bps[1]) : Number.NaN;
  if (!Number.isInteger(value) || value < 0 || value > 100_000)
    throw validationFailed({ [field]: ['Give a markup such as 20%, 12.5% or 1500bps (0 to 1000%).'] });
  return value;
}

export const formatMarkup = (bps: number): string => `${(bps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

export async function listTiers(db: Knex): Promise<Array<MarkupTierRow & { resellers: number }>> {
  return (await db('markupTiers as t')
    .leftJoin('resellers as r', 'r.markupTierId', 't.id')
    .groupBy('t.id')
    .orderBy('t.name')
    .select('t.*', db.raw('count(r.id)::int as resellers'))) as Array<MarkupTierRow & { resellers: number }>;
}

export async function findTier(db: Knex | Knex.Transaction, name: string): Promise<MarkupTierRow> {
  const tier = (await db('markupTiers').where({ name }).first()) as MarkupTierRow | undefined;
  if (!tier) throw notFound(`No markup tier named ${name}.`, 'markup_tier_not_found');
  return tier;
}

/**
 * Creates or changes a named tier; every reseller on it follows in the same transaction (quotes
 * read the reseller's own markup, so it is kept in step here, once).
 */
export async function setTier(
  db: Knex,
  actor: Actor,
  name: string,
  markupBps: number,
): Promise<MarkupTierRow> {
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name))
    throw validationFailed({ name: ['Lower-case letters, digits, - and _, at most 40.'] });
  return db.transaction(async (trx) => {
    const before = (await trx('markupTiers').where({ name }).forUpdate().first()) as
      MarkupTierRow | undefined;
    const [tier] = (await trx('markupTiers')
      .insert({ name, markupBps })
      .onConflict('name')
      .merge({ markupBps, updatedAt: trx.fn.now() })
      .returning('*')) as MarkupTierRow[];
    const moved = await trx('resellers')
      .where({ markupTierId: tier!.id })
      .update({ markupBps, updatedAt: trx.fn.now() });
    await audit(trx, {
      actor,
      resellerId: null,
      type: 'markup_tier_set',
      subjectType: 'markup_tier',
      subjectId: name,
      before: before ? { markup_bps: before.markupBps } : null,
      after: { markup_bps: markupBps },
      data: { resellers_updated: moved },
    });
    return tier!;
  });
}
