import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/errors';
import { ABILITIES, type Ability, API_KEY_ABILITIES } from '../auth/credentials';
import { ApiCredential, Reseller, type ResellerRole, type ResellerStatus } from '../db/models';
import { isSupportedCurrency, SUPPORTED_CURRENCIES } from '../money';
import { type Actor, audit } from './audit';
import { checkAllowlist, issueCredential } from './credentials';
import { conflict, notFound, validationFailed } from './errors';
import { findTier } from './markup-tiers';
import { type Balance, getBalance } from './wallet';

export interface CreateResellerInput {
  name: string;
  email: string;
  currency: string;
  role?: ResellerRole;
  /**
   * The API whitelist: IPs or CIDR ranges allowed to call /api/v1 and the legacy API with any of
   * the reseller's credentials (empty = blocked there, per seed 003).
   */
  ipAllowlist?: string[];
  abilities?: Ability[];
  /** A markup tier's name, or a markup of the reseller's own in basis points. */
  markupTier?: string | undefined;
  markupBps?: number | undefined;
}

export interface IssuedCredentials {
  reseller: Reseller;
  /** `X-API-KEY` secret, bound to the IP allowlist. Shown once. */
  apiKey: string;
  /** `Authorization: Bearer drk_…` token carrying abilities. Shown once. */
  token: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkProfile(input: { name?: string | undefined; email?: string | undefined }) {
  const errors: Record<string, string[]> = {};
  if (input.name !== undefined && (input.name.trim() === '' || input.name.length > 200))
    errors['name'] = ['A name of 1 to 200 characters.'];
  if (input.email !== undefined && !EMAIL.test(input.email)) errors['email'] = ['Not an email address.'];
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
}

/** A snapshot of what an admin may change on a reseller, for the audit trail. */
const profile = (r: Reseller) => ({
  name: r.name,
  email: r.email,
  status: r.status,
  markup_bps: r.markupBps,
  markup_tier_id: r.markupTierId,
});

/**
 * Creates a reseller with one API key and one Bearer token, in one transaction. The token carries
 * every ability (account.manage included); the key every ability but account.manage.
 */
export async function createReseller(
  db: Knex,
  input: CreateResellerInput,
  actor: Actor = 'system',
): Promise<IssuedCredentials> {
  const currency = input.currency.toUpperCase();
  checkProfile(input);
  if (!isSupportedCurrency(currency))
    throw validationFailed({ currency: [`A supported currency (${SUPPORTED_CURRENCIES.join(', ')}).`] });
  const ipAllowlist = checkAllowlist(input.ipAllowlist ?? [], 'ip_allowlist');
  try {
    return await db.transaction(async (trx) => {
      const tier = input.markupTier ? await findTier(trx, input.markupTier) : null;
      const reseller = await Reseller.query(trx).insertAndFetch({
        name: input.name.trim(),
        email: input.email.toLowerCase(),
        currency,
        role: input.role ?? 'reseller',
        status: 'active',
        apiIpAllowlist: ipAllowlist,
        markupBps: tier?.markupBps ?? input.markupBps ?? 0,
        markupTierId: tier?.id ?? null,
      });
      const abilities = input.abilities ?? [...ABILITIES];
      const apiKey = await issueCredential(trx, { resellerId: reseller.id }, 'api_key', {
        name: 'default API key',
        abilities: abilities.filter((a) => API_KEY_ABILITIES.includes(a)),
      });
      const token = await issueCredential(trx, { resellerId: reseller.id }, 'token', {
        name: 'default token',
        abilities,
      });
      await audit(trx, {
        actor,
        resellerId: reseller.id,
        type: 'reseller_created',
        subjectType: 'reseller',
        subjectId: String(reseller.id),
        after: { ...profile(reseller), currency, api_ip_allowlist: ipAllowlist },
      });
      return { reseller, apiKey: apiKey.secret, token: token.secret };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('email_taken', 'A reseller with this email exists already.');
    throw err;
  }
}

export async function findReseller(db: Knex | Knex.Transaction, id: number): Promise<Reseller> {
  const reseller = await Reseller.query(db).findById(id);
  if (!reseller || reseller.role !== 'reseller') throw notFound('Reseller not found.', 'reseller_not_found');
  return reseller;
}

/** Resellers by id ascending (keyset), optionally those whose name or email contains `q`, or of one status. */
export async function listResellers(
  db: Knex,
  opts: {
    q?: string | undefined;
    status?: ResellerStatus | undefined;
    afterId?: number | undefined;
    limit: number;
  },
): Promise<{ items: Reseller[]; lastId: number | null; more: boolean }> {
  const rows = await Reseller.query(db)
    .where('role', 'reseller')
    .modify((q) => {
      if (opts.q) {
        const like = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        void q.where((w) => void w.whereILike('name', like).orWhereILike('email', like));
      }
      if (opts.status) void q.where('status', opts.status);
      if (opts.afterId !== undefined) void q.where('id', '>', opts.afterId);
    })
    .orderBy('id')
    .limit(opts.limit + 1);
  const items = rows.slice(0, opts.limit);
  return { items, lastId: items[items.length - 1]?.id ?? null, more: rows.length > opts.limit };
}

export interface ResellerOverview {
  reseller: Reseller;
  tier: string | null;
  balance: Balance;
  domains: number;
  openOrders: number;
  liveCredentials: number;
}

/** One reseller with its balance (posted, held, available), domain count and open orders. */
export async function showReseller(db: Knex, id: number): Promise<ResellerOverview> {
  const reseller = await findReseller(db, id);
  const [balance, domains, open, creds, tier] = await Promise.all([
    getBalance(db, id, reseller.currency.trim()),
    db('domains').where({ resellerId: id }).count<{ count: string }[]>('id as count'),
    db('orders')
      .where({ resellerId: id })
      .whereIn('status', ['pending', 'awaiting_payment', 'processing', 'billing_failed'])
      .count<{ count: string }[]>('id as count'),
    ApiCredential.query(db).where({ resellerId: id }).whereNull('revokedAt').resultSize(),
    reseller.markupTierId
      ? (db('markupTiers').where({ id: reseller.markupTierId }).first('name') as Promise<{ name: string }>)
      : Promise.resolve(null),
  ]);
  return {
    reseller,
    tier: tier?.name ?? null,
    balance,
    domains: Number(domains[0]?.count ?? 0),
    openOrders: Number(open[0]?.count ?? 0),
    liveCredentials: creds,
  };
}

/** Name, email and markup (a tier by name, or `markupBps` of its own, which leaves any tier). */
export async function updateReseller(
  db: Knex,
  actor: Actor,
  id: number,
  patch: {
    name?: string | undefined;
    email?: string | undefined;
    markupTier?: string | null | undefined;
    markupBps?: number | undefined;
  },
): Promise<Reseller> {
  checkProfile(patch);
  try {
    return await db.transaction(async (trx) => {
      const before = await findReseller(trx, id);
      const tier = patch.markupTier ? await findTier(trx, patch.markupTier) : null;
      const markup = tier
        ? { markupTierId: tier.id, markupBps: tier.markupBps }
        : patch.markupBps !== undefined
          ? { markupTierId: null, markupBps: patch.markupBps }
          : patch.markupTier === null
            ? { markupTierId: null }
            : {};
      const after = await Reseller.query(trx).patchAndFetchById(id, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.email !== undefined ? { email: patch.email.toLowerCase() } : {}),
        ...markup,
      });
      await audit(trx, {
        actor,
        resellerId: id,
        type: 'reseller_updated',
        subjectType: 'reseller',
        subjectId: String(id),
        before: profile(before),
        after: profile(after),
      });
      return after;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('email_taken', 'A reseller with this email exists already.');
    throw err;
  }
}

/**
 * Suspends or reactivates a reseller. A suspended reseller's credentials answer 401
 * account_inactive from the next request on; workflows already running finish and are charged as
 * agreed. Setting the status it has is a no-op (and no audit event).
 */
export async function setResellerStatus(
  db: Knex,
  actor: Actor,
  id: number,
  status: ResellerStatus,
  reason: string | undefined,
): Promise<Reseller> {
  return db.transaction(async (trx) => {
    const before = await Reseller.query(trx).findById(id).forUpdate();
    if (!before || before.role !== 'reseller') throw notFound('Reseller not found.', 'reseller_not_found');
    if (before.status === status) return before;
    const after = await Reseller.query(trx).patchAndFetchById(id, { status });
    await audit(trx, {
      actor,
      resellerId: id,
      type: status === 'suspended' ? 'reseller_suspended' : 'reseller_reactivated',
      subjectType: 'reseller',
      subjectId: String(id),
      before: { status: before.status },
      after: { status },
      ...(reason ? { data: { reason } } : {}),
    });
    return after;
  });
}

/**
 * The demo reseller `npm run dev` prints: created on first run, and on every run given fresh
 * credentials (the old demo ones are revoked, since stored secrets are hashes and cannot be shown again).
 */
export async function seedDemoReseller(db: Knex, currency = 'USD'): Promise<IssuedCredentials> {
  const email = 'demo@reseller.test';
  const existing = await Reseller.query(db).findOne({ email });
  if (!existing) {
    return createReseller(db, {
      name: 'Demo Reseller',
      email,
      currency,
      ipAllowlist: ['127.0.0.1', '::1'],
    });
  }
  return db.transaction(async (trx) => {
    await Reseller.query(trx)
      .patch({ apiIpAllowlist: ['127.0.0.1', '::1'] })
      .where('id', existing.id);
    await ApiCredential.query(trx)
      .patch({ revokedAt: new Date() })
      .where({ resellerId: existing.id })
      .whereNull('revokedAt');
    const apiKey = await issueCredential(trx, { resellerId: existing.id }, 'api_key', {
      name: 'demo API key',
    });
    const token = await issueCredential(trx, { resellerId: existing.id }, 'token', { name: 'demo token' });
    return { reseller: existing, apiKey: apiKey.secret, token: token.secret };
  });
}
