import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Config } from '../config';
import type { Reseller } from '../db/models';
import { DomainNameError, normaliseDomainName, splitRegistrable } from '../domain-name';
import type { Registrar } from '../registrar/types';
import { type BulkAction, isOrderAction } from '../../workflows/contracts';
import { activeTlds, NotOfferedError, quote } from './catalog';
import { recordSchema } from './dns-records';
import { validationFailed } from './errors';
import { contactIdSchema, flagSchema, nameserversSchema, privacySchema, yearsSchema } from './field-schemas';
import { renewalQuote } from './premium';

/* A bulk job's items: read from JSON or CSV, each checked as its single request would be, priced. */

/** The most items one job may hold. */
export const BULK_MAX_ITEMS = 10_000;

const list = (v: unknown) => (typeof v === 'string' ? v.split(/[\s;|]+/).filter(Boolean) : v);

/** One item's fields (a CSV row's columns, a JSON item's keys); the job's options (`bulkOptionsSchema`, parsed on their own) fill what an item leaves out. */
export const bulkItemSchema = z.object({
  domain: z
    .string({ error: 'The domain field is required.' })
    .trim()
    .min(1, 'The domain field is required.')
    .max(1000),
  years: yearsSchema.optional(),
  auth_code: z.string().trim().min(1).max(255).optional(),
  nameservers: z.preprocess(list, nameserversSchema).optional(),
  registrant_contact_id: contactIdSchema.optional(),
  admin_contact_id: contactIdSchema.optional(),
  enabled: flagSchema.optional(),
  locked: flagSchema.optional(),
  privacy: privacySchema.optional(),
  records: z.array(recordSchema).max(500, 'Send at most 500 records.').optional(),
});
export type BulkItemFields = z.output<typeof bulkItemSchema>;
export const bulkOptionsSchema = bulkItemSchema.omit({ domain: true }).partial();
export type BulkOptions = z.output<typeof bulkOptionsSchema>;

/** The field each action needs (from the item or the job's options). */
const REQUIRED: Partial<Record<BulkAction, keyof BulkOptions>> = {
  register: 'registrant_contact_id',
  transfer: 'auth_code',
  nameservers: 'nameservers',
  dns_replace: 'records',
  auto_renew: 'enabled',
  lock: 'locked',
  privacy: 'privacy',
};

/** An item as read: its line and its raw fields. */
export interface RawItem {
  line: number;
  fields: Record<string, unknown>;
}

/** CSV text as items: a header row naming the columns (`domain` required), each row's file line. */
export function itemsFromCsv(text: string): RawItem[] {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    }) as typeof rows;
  } catch (err) {
    throw validationFailed({ csv: [`The CSV could not be read: ${(err as Error).message}`] });
  }
  return rows.map(({ record, info }) => ({
    line: info.lines,
    fields: Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '')),
  }));
}

/** JSON items: each an object (or a bare domain name), numbered from 1. */
export const itemsFromJson = (items: unknown[]): RawItem[] =>
  items.map((v, i) => ({
    line: i + 1,
    fields: typeof v === 'string' ? { domain: v } : (v as Record<string, unknown>),
  }));

/** An item after its checks: pending with its price, or invalid with the reason. */
export interface CheckedItem {
  line: number;
  domain: string;
  params: BulkOptions;
  status: 'pending' | 'invalid';
  priceMinor: bigint | null;
  error: { code: string; message: string } | null;
}

interface LocalDomain {
  name: string;
  resellerId: number;
  expiresAt: Date | null;
  premium: boolean;
}

/**
 * Checks every item as its single request would be checked, set by set (one read of the domains,
 * one of the handles, one price per TLD and term): the name, the field its action needs, the
 * domain in this account (or, to register, in none), the handles named, the catalog's price (a
 * premium renewal asks the registrar its price). A name twice in one job is refused on its later line.
 */
export async function checkItems(
  deps: {
    db: Knex;
    registrar: Pick<Registrar, 'renewalPrice' | 'currency'>;
    config: Pick<Config, 'PREMIUM_NAMES' | 'PREMIUM_MARGIN_BPS' | 'EXCHANGE_RATE_MAX_AGE_HOURS'>;
  },
  reseller: Pick<Reseller, 'id' | 'currency' | 'markupBps'>,
  action: BulkAction,
  options: BulkOptions,
  raw: RawItem[],
): Promise<CheckedItem[]> {
  const tlds = await activeTlds(deps.db);
  const currency = reseller.currency.trim();
  const parsed = raw.map(({ line, fields }) => {
    const bad = (
      code: string,
      message: string,
      domain = typeof fields['domain'] === 'string' ? fields['domain'] : '',
    ): CheckedItem => ({
      line,
      domain: domain.slice(0, 255),
      params: {},
      status: 'invalid',
      priceMinor: null,
      error: { code, message },
    });
    // The item's own fields are read here; the job's options (read once, at the edge) fill the rest.
    const res = bulkItemSchema.safeParse(fields);
    if (!res.success) {
      const issue = res.error.issues[0]!;
      return { item: bad('validation_failed', `${issue.path.join('.') || 'item'}: ${issue.message}`) };
    }
    const { domain: name, ...own } = res.data;
    const params: BulkOptions = {
      ...options,
      ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)),
    };
    const needed = REQUIRED[action];
    if (needed && params[needed] === undefined)
      return { item: bad('validation_failed', `${needed}: the ${needed} field is required for ${action}.`) };
    try {
      const { ascii } = normaliseDomainName(name);
      const { tld } = splitRegistrable(ascii, tlds);
      return {
        item: {
          line,
          domain: ascii,
          params,
          status: 'pending',
          priceMinor: null,
          error: null,
        } as CheckedItem,
        tld,
      };
    } catch (err) {
      if (err instanceof DomainNameError)
        return { item: bad('validation_failed', `domain: ${err.message}`, name) };
      throw err;
    }
  });

  const names = parsed.filter((p) => p.item.status === 'pending').map((p) => p.item.domain);
  const local = new Map<string, LocalDomain>();
  for (let i = 0; i < names.length; i += 1000) {
    const rows = (await deps
      .db('domains')
      .whereIn('name', names.slice(i, i + 1000))
      .select('name', 'resellerId', 'expiresAt', 'premium')) as LocalDomain[];
    for (const r of rows) local.set(r.name, r);
  }
  const handles = new Set(
    (
      (await deps
        .db('contacts')
        .where({ resellerId: reseller.id })
        .whereNull('deletedAt')
        .whereIn(
          'publicId',
          [
            ...new Set(
              parsed.flatMap((p) => [p.item.params.registrant_contact_id, p.item.params.admin_contact_id]),
            ),
          ].filter((v): v is string => typeof v === 'string'),
        )
        .select('publicId')) as Array<{ publicId: string }>
    ).map((r) => r.publicId),
  );

  const prices = new Map<string, bigint | string>();
  const seen = new Map<string, number>();
  const out: CheckedItem[] = [];
  for (const { item, tld } of parsed) {
    out.push(item);
    if (item.status === 'invalid' || tld === undefined) continue;
    const refuse = (code: string, message: string) => {
      item.status = 'invalid';
      item.error = { code, message };
    };
    const refused = () => item.error !== null;
    const first = seen.get(item.domain);
    if (first !== undefined) {
      refuse('duplicate_domain', `${item.domain} is on line ${first} already.`);
      continue;
    }
    seen.set(item.domain, item.line);
    const row = local.get(item.domain);
    const ours = row?.resellerId === reseller.id;
    if (action === 'register') {
      if (row)
        refuse(
          'domain_unavailable',
          ours ? 'The domain is already in your account.' : 'The domain is not available.',
        );
    } else if (action === 'transfer') {
      if (row && !ours) refuse('domain_not_found', 'Domain not found in your account.');
    } else if (!ours) refuse('domain_not_found', 'Domain not found in your account.');
    else if (action === 'renew' && !row.expiresAt)
      refuse('expiry_unknown', 'The domain has no known expiry: sync it first.');
    for (const id of [item.params.registrant_contact_id, item.params.admin_contact_id])
      if (!refused() && id && !handles.has(id))
        refuse('contact_not_found', `No contact ${id} in this account.`);
    if (refused() || !isOrderAction(action)) continue;

    const years = item.params.years ?? 1;
    if (action === 'renew' && row?.premium) {
      const premium = await renewalQuote(deps, {
        domain: { name: item.domain, premium: true },
        tld,
        years,
        reseller: { currency, markupBps: reseller.markupBps },
      }).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
      if (typeof premium === 'string') refuse('premium_price_unavailable', premium);
      else item.priceMinor = premium.amountMinor;
      continue;
    }
    const key = `${tld}:${years}`;
    if (!prices.has(key))
      prices.set(
        key,
        await quote(deps.db, { tld, action, years, currency, markupBps: reseller.markupBps }).then(
          (q) => q.totalMinor,
          (err: unknown) => {
            if (err instanceof NotOfferedError) return err.message;
            throw err;
          },
        ),
      );
    const price = prices.get(key)!;
    if (typeof price === 'string') refuse('not_offered', price);
    else item.priceMinor = price;
  }
  return out;
}
