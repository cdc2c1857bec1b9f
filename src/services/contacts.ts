import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { ContactRefs, ContactRow, Domain } from '../db/models';
import { isUniqueViolation } from '../db/errors';
import { newPublicId } from '../utils/public-ids';
import type { ContactInput } from '../vocabulary';
import { encodeCursor } from './domains';
import { AppError, conflict, notFound, validationFailed } from './errors';

/* A reseller's contact handles: kept once, named by `con_…`, referred to by orders and domains. */

/** A contact's fields, in the order forms and tables show them. */
export const CONTACT_FIELDS = [
  'name',
  'organization',
  'address1',
  'address2',
  'city',
  'state',
  'postcode',
  'country',
  'phone',
  'email',
] as const satisfies ReadonlyArray<keyof ContactInput>;

/** The contact a handle holds, as the registrar and the order's steps take it (empty fields left out). */
export function contactOf(row: ContactRow): ContactInput {
  const out: Record<string, string> = {};
  for (const f of CONTACT_FIELDS) {
    const v = row[f];
    if (v !== null && v !== '') out[f] = v.trim();
  }
  return out as unknown as ContactInput;
}

/** The same person, whatever the order of the fields or the case of the e-mail: sha256 of the normalised fields. */
export function contactFingerprint(c: ContactInput): string {
  const norm = CONTACT_FIELDS.map((f) => {
    const v = (c[f] ?? '').trim();
    return f === 'email' ? v.toLowerCase() : f === 'country' ? v.toUpperCase() : v;
  });
  return createHash('sha256').update(JSON.stringify(norm)).digest('hex');
}

const columnsOf = (c: ContactInput) => ({
  name: c.name,
  organization: c.organization ?? null,
  address1: c.address1,
  address2: c.address2 ?? null,
  city: c.city,
  state: c.state ?? null,
  postcode: c.postcode,
  country: c.country.toUpperCase(),
  phone: c.phone,
  email: c.email,
  fingerprint: contactFingerprint(c),
});

const live = (db: Knex | Knex.Transaction, resellerId: number) =>
  db('contacts').where({ resellerId }).whereNull('deletedAt');

/** One of the reseller's live handles by its public ID; 404 `contact_not_found` otherwise. */
export async function findContact(db: Knex, resellerId: number, publicId: string): Promise<ContactRow> {
  const row = (await live(db, resellerId).where({ publicId }).first()) as ContactRow | undefined;
  if (!row) throw notFound(`No contact ${publicId} in this account.`, 'contact_not_found');
  return row;
}

/**
 * A new handle, or the reseller's live one holding the same contact (`created: false`): sending
 * the same person twice names one handle, so the registrar holds one contact for them.
 */
export async function saveContact(
  db: Knex,
  resellerId: number,
  contact: ContactInput,
): Promise<{ contact: ContactRow; created: boolean }> {
  const cols = columnsOf(contact);
  const inserted = (await db.raw(
    `INSERT INTO contacts (public_id, reseller_id, name, organization, address1, address2, city, state,
                           postcode, country, phone, email, fingerprint)
     VALUES (:publicId, :resellerId, :name, :organization, :address1, :address2, :city, :state,
             :postcode, :country, :phone, :email, :fingerprint)
     ON CONFLICT (reseller_id, fingerprint) WHERE deleted_at IS NULL DO NOTHING
     RETURNING id`,
    { publicId: newPublicId('con'), resellerId, ...cols },
  )) as { rows: Array<{ id: number }> };
  const id = inserted.rows[0]?.id;
  const row = (await (
    id !== undefined
      ? db('contacts').where({ id })
      : live(db, resellerId).where({ fingerprint: cols.fingerprint })
  ).first()) as ContactRow;
  return { contact: row, created: id !== undefined };
}

/**
 * The ID of the reseller's live handle holding this contact, made now when there is none: one
 * statement (an order's placement pays for it, not for a read after the write).
 */
async function contactIdFor(db: Knex, resellerId: number, contact: ContactInput): Promise<number> {
  const cols = columnsOf(contact);
  for (;;) {
    const found = (await db.raw(
      `WITH made AS (
         INSERT INTO contacts (public_id, reseller_id, name, organization, address1, address2, city, state,
                               postcode, country, phone, email, fingerprint)
         VALUES (:publicId, :resellerId, :name, :organization, :address1, :address2, :city, :state,
                 :postcode, :country, :phone, :email, :fingerprint)
         ON CONFLICT (reseller_id, fingerprint) WHERE deleted_at IS NULL DO NOTHING
         RETURNING id)
       SELECT id FROM made
       UNION ALL
       SELECT id FROM contacts WHERE reseller_id = :resellerId AND fingerprint = :fingerprint AND deleted_at IS NULL
       LIMIT 1`,
      { publicId: newPublicId('con'), resellerId, ...cols },
    )) as { rows: Array<{ id: number }> };
    // Empty only when another request made it meanwhile (not yet in this statement's snapshot).
    if (found.rows[0]) return found.rows[0].id;
  }
}

/** A `domains` query's condition: the domain uses the handle, as registrant or as admin. */
export const usingContact =
  (contactId: number) =>
  (q: Knex.QueryBuilder): void =>
    void q.where({ registrantContactId: contactId }).orWhere({ adminContactId: contactId });

export interface ContactUse {
  domains: string[];
  /** Orders still running that name the handle. */
  orders: string[];
}

/** The domains (by name) and running orders that use a handle. */
export async function contactUse(db: Knex, contactId: number): Promise<ContactUse> {
  const domains = (await db('domains')
    .where(usingContact(contactId))
    .orderBy('name')
    .pluck('name')) as string[];
  const orders = (await db('orders')
    .whereIn('status', ['pending', 'awaiting_payment', 'processing'])
    .where(
      (q) =>
        void q
          .whereRaw("(request->'contactRefs'->>'registrant')::int = ?", [contactId])
          .orWhereRaw("(request->'contactRefs'->>'admin')::int = ?", [contactId]),
    )
    .orderBy('id')
    .pluck('publicId')) as string[];
  return { domains, orders };
}

/** Keyset page of the reseller's live handles with how many domains use each. */
export async function listContacts(
  db: Knex,
  resellerId: number,
  opts: { limit: number; afterId?: number | undefined },
): Promise<{ items: Array<ContactRow & { domainCount: number }>; nextCursor: string | null }> {
  const rows = (await live(db, resellerId)
    .where('id', '>', opts.afterId ?? 0)
    .orderBy('id')
    .limit(opts.limit + 1)
    .select(
      'contacts.*',
      db.raw(
        '(SELECT count(*)::int FROM domains d WHERE d.registrant_contact_id = contacts.id OR d.admin_contact_id = contacts.id) AS domain_count',
      ),
    )) as Array<ContactRow & { domainCount: number }>;
  const more = rows.length > opts.limit;
  const items = rows.slice(0, opts.limit);
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null };
}

/**
 * Edits a handle: every field given replaces ours, the version moves on, and the domains using
 * it are listed for the push to the registrar (the caller starts it). An edit that would make it
 * the same as another of the reseller's handles is refused (409 `contact_exists`).
 */
export async function editContact(
  db: Knex,
  resellerId: number,
  publicId: string,
  patch: Partial<ContactInput>,
): Promise<{ contact: ContactRow; changed: boolean; use: ContactUse }> {
  const row = await findContact(db, resellerId, publicId);
  const merged = { ...contactOf(row), ...patch };
  const cols = columnsOf(merged);
  if (cols.fingerprint === row.fingerprint)
    return { contact: row, changed: false, use: await contactUse(db, row.id) };
  let updated: ContactRow;
  try {
    [updated] = (await db('contacts')
      .where({ id: row.id })
      .update({ ...cols, version: db.raw('version + 1'), updatedAt: db.fn.now() })
      .returning('*')) as ContactRow[] as [ContactRow];
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const other = (await live(db, resellerId).where({ fingerprint: cols.fingerprint }).first('publicId')) as
      { publicId: string } | undefined;
    throw conflict('contact_exists', `Contact ${other?.publicId ?? 'another'} already holds these details.`);
  }
  return { contact: updated, changed: true, use: await contactUse(db, row.id) };
}

/**
 * Deletes a handle no domain and no running order uses (409 `contact_in_use`, naming them,
 * otherwise). Answers the registrar contact IDs it leaves to be deleted there.
 */
export async function deleteContact(db: Knex, resellerId: number, publicId: string): Promise<ContactRow> {
  const row = await findContact(db, resellerId, publicId);
  const use = await contactUse(db, row.id);
  if (use.domains.length > 0 || use.orders.length > 0) {
    const named = [
      ...(use.domains.length > 0 ? [`domains ${use.domains.join(', ')}`] : []),
      ...(use.orders.length > 0 ? [`orders in progress ${use.orders.join(', ')}`] : []),
    ].join(' and ');
    throw new AppError(
      409,
      'contact_in_use',
      `Contact ${publicId} is used by ${named}: it cannot be deleted.`,
      {
        ...(use.domains.length > 0 ? { domains: use.domains } : {}),
        ...(use.orders.length > 0 ? { orders: use.orders } : {}),
      },
    );
  }
  const [deleted] = (await db('contacts')
    .where({ id: row.id })
    .update({
      deletedAt: db.fn.now(),
      updatedAt: db.fn.now(),
      ...(row.registrarContactId
        ? { retiredRegistrarIds: db.raw('array_append(retired_registrar_ids, ?)', [row.registrarContactId]) }
        : {}),
    })
    .returning('*')) as ContactRow[];
  return deleted!;
}

/** A contact as a request names it: a handle's ID, or the person inline (saved as a handle). */
export interface ContactChoice {
  id?: string | undefined;
  contact?: ContactInput | undefined;
}

/**
 * The handles an order or a Whois change uses: each role by its handle ID (which must be the
 * reseller's: 422 on that field otherwise) or inline (saved as a handle, or the one already
 * holding it); an admin not given is the registrant.
 */
export async function resolveContacts(
  db: Knex,
  resellerId: number,
  choice: { registrant: ContactChoice; admin?: ContactChoice | undefined },
  fields: { registrant: string; admin: string } = {
    registrant: 'registrant_contact_id',
    admin: 'admin_contact_id',
  },
): Promise<ContactRefs> {
  const one = async (c: ContactChoice, field: string): Promise<number> => {
    if (c.id !== undefined) {
      const row = (await live(db, resellerId).where({ publicId: c.id }).first('id')) as
        { id: number } | undefined;
      if (!row) throw validationFailed({ [field]: [`No contact ${c.id} in this account.`] });
      return row.id;
    }
    return contactIdFor(db, resellerId, c.contact!);
  };
  const registrant = await one(choice.registrant, fields.registrant);
  const given = choice.admin && (choice.admin.id !== undefined || choice.admin.contact !== undefined);
  return { registrant, admin: given ? await one(choice.admin!, fields.admin) : registrant };
}

/** A domain using a handle: in which roles, and whether its Whois names the handle's current version. */
export interface ContactDomain {
  name: string;
  roles: Array<'registrant' | 'admin'>;
  upToDate: boolean;
  registrarSynced: boolean;
}

export async function contactDomains(db: Knex, row: ContactRow): Promise<ContactDomain[]> {
  const rows = (await db('domains').where(usingContact(row.id)).orderBy('name')) as Domain[];
  const current = row.registrarVersion === row.version ? row.registrarContactId : null;
  return rows.map((d) => {
    const roles: Array<'registrant' | 'admin'> = [
      ...(d.registrantContactId === row.id ? (['registrant'] as const) : []),
      ...(d.adminContactId === row.id ? (['admin'] as const) : []),
    ];
    return {
      name: d.name,
      roles,
      upToDate: current !== null && roles.every((r) => d.contactIds?.[r] === current),
      registrarSynced: d.registrarPendingSince === null,
    };
  });
}
