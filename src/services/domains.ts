import type { Knex } from 'knex';
import { preparedQuery } from '../db/knex';
import { Domain } from '../db/models';
import { DomainNameError, normaliseDomainName, splitRegistrable } from '../domain-name';
import type { Contacts } from '../registrar/types';
import { activeTlds } from './catalog';
import type { CoreDeps } from './deps';
import { notFound, validationFailed } from './errors';
import { registrarRead } from './registrar-read';
import { parseId } from '../utils/ids';

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

/** What a domain listing shows: only these columns are read, into plain objects. */
export type DomainSummary = Pick<
  Domain,
  | 'id'
  | 'name'
  | 'status'
  | 'registeredAt'
  | 'expiresAt'
  | 'autoRenew'
  | 'privacy'
  | 'locked'
  | 'nameservers'
  | 'registrarPendingSince'
  | 'registrarSyncedAt'
  | 'premium'
  | 'renewalHeld'
>;

/**
 * A reseller's domains in a stable order (id ascending), by keyset pagination: the presented
 * columns only, one prepared statement per page size (the busiest read of the API: no query
 * building, no model instances, no key mapping, no planning after the first few calls).
 */
export async function listDomains(
  db: Knex,
  resellerId: number,
  opts: { limit: number; afterId?: number | undefined },
): Promise<Page<DomainSummary>> {
  const limit = opts.limit;
  // The page size is part of the statement (validated callers pass 1–100): a LIMIT parameter
  // keeps Postgres planning the statement on every call, a literal lets it reuse one plan.
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`page size ${limit}`);
  const rows = await preparedQuery<
    DomainSummary & {
      registered_at: Date | null;
      expires_at: Date | null;
      auto_renew: boolean;
      registrar_pending_since: Date | null;
      registrar_synced_at: Date | null;
      renewal_held: Domain['renewalHeld'];
    }
  >(
    db,
    `list-domains-${limit}`,
    `SELECT id, name, status, registered_at, expires_at, auto_renew, privacy, locked, nameservers,
            registrar_pending_since, registrar_synced_at, premium, renewal_held
       FROM domains WHERE reseller_id = $1 AND id > $2 ORDER BY id LIMIT ${limit + 1}`,
    [resellerId, opts.afterId ?? 0],
  );
  const items: DomainSummary[] = rows.slice(0, limit).map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    registeredAt: r.registered_at,
    expiresAt: r.expires_at,
    autoRenew: r.auto_renew,
    privacy: r.privacy,
    locked: r.locked,
    nameservers: r.nameservers,
    registrarPendingSince: r.registrar_pending_since,
    registrarSyncedAt: r.registrar_synced_at,
    premium: r.premium,
    renewalHeld: r.renewal_held,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** Finds a domain of this reseller by portal ID or name; another reseller's is a 404. */
export async function ownedDomain(db: Knex, resellerId: number, idOrName: string): Promise<Domain> {
  const missing = () => notFound('Domain not found in your account.', 'domain_not_found');
  let name: string | undefined;
  // All digits is a portal ID, in plain digits (`013` is not 13) within Postgres's integer.
  const id = /^\d+$/.test(idOrName) ? parseId(idOrName) : undefined;
  if (id === null) throw missing();
  if (id === undefined) {
    try {
      name = normaliseDomainName(idOrName).ascii;
    } catch {
      throw missing();
    }
  }
  const domain = await Domain.query(db)
    .where('resellerId', resellerId)
    .modify((q) => {
      if (name) void q.where('name', name);
      else if (id) void q.where('id', id);
    })
    .first();
  if (!domain) throw missing();
  return domain;
}

/** Normalises and checks a domain against the catalog: 422 with the caller's field name otherwise. */
export async function registrableDomain(
  db: Knex,
  raw: string,
  field: string,
): Promise<{ ascii: string; tld: string }> {
  try {
    const { ascii } = normaliseDomainName(raw);
    const { tld } = splitRegistrable(ascii, await activeTlds(db));
    return { ascii, tld };
  } catch (err) {
    if (err instanceof DomainNameError) throw validationFailed({ [field]: [err.message] });
    throw err;
  }
}

/*
 * A domain's settings as the reads of every surface answer them: from our record, never a
 * registrar call per read. The registrar lags behind our changes (up to ~30 minutes live); the
 * record says whether it has been seen to hold them (`presentSync`), and a follow-up per changed
 * domain (domainReconcileWorkflow) settles it.
 */

export const readNameservers = (domain: Domain): string[] => domain.nameservers;

/**
 * The Whois contacts we sent. A domain we never sent contacts for (a transfer in, a domain from
 * before contacts were kept) is read from the registrar once, and kept.
 */
export async function readContacts(
  deps: Pick<CoreDeps, 'registrar' | 'db'>,
  domain: Domain,
): Promise<Contacts> {
  if (domain.contacts) return domain.contacts;
  const contacts = await registrarRead(() => deps.registrar.getContacts(domain.name));
  await deps
    .db('domains')
    .where({ id: domain.id })
    .whereNull('contacts')
    .update({ contacts: JSON.stringify(contacts) });
  return contacts;
}

export const readProtection = (domain: Domain): { locked: boolean; privacy: string } => ({
  locked: domain.locked,
  privacy: domain.privacy,
});

/** A reseller's domains that expire within `days` (expired ones included), soonest first. */
export async function expiringDomains(db: Knex, resellerId: number, days: number): Promise<Domain[]> {
  return Domain.query(db)
    .where('resellerId', resellerId)
    .whereNotNull('expiresAt')
    .where('expiresAt', '<', db.raw('now() + make_interval(days => ?)', [days]))
    .orderBy('expiresAt')
    .limit(50);
}
