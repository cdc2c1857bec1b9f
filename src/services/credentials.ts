import type { Knex } from 'knex';
import {
  ABILITIES,
  ADMIN_ABILITIES,
  API_KEY_ABILITIES,
  generateSecret,
  isValidAllowlistEntry,
} from '../auth/credentials';
import { ApiCredential, type CredentialKind, Reseller } from '../db/models';
import { type Actor, audit } from './audit';
import { notFound, validationFailed } from './errors';

/** A regenerated API key's old secret works at most this long. */
export const MAX_GRACE_SECONDS = 24 * 3600;
/** A token may be issued for at most this long. */
export const MAX_TOKEN_DAYS = 3660;

/** Whose credentials: a reseller's or an admin's. */
export type CredentialOwner = { resellerId: number } | { adminId: number };

const ownerWhere = (owner: CredentialOwner) =>
  'resellerId' in owner ? { resellerId: owner.resellerId } : { adminId: owner.adminId };

/** IPs and CIDR ranges (IPv4 and IPv6), trimmed and without duplicates; 422 naming the bad entries. */
export function checkAllowlist(entries: readonly string[], field = 'ips'): string[] {
  const cleaned = [...new Set(entries.map((e) => e.trim()).filter((e) => e !== ''))];
  const bad = cleaned.filter((e) => !isValidAllowlistEntry(e));
  if (bad.length > 0)
    throw validationFailed({ [field]: bad.map((e) => `"${e}" is not an IP address or CIDR range.`) });
  if (cleaned.length > 100) throw validationFailed({ [field]: ['At most 100 entries.'] });
  return cleaned;
}

/** Abilities for a new credential of `kind`: known ones only, and never account.manage on an API key. */
function checkAbilities(kind: CredentialKind, abilities: readonly string[]): string[] {
  const allowed: readonly string[] =
    kind === 'admin_token' ? ADMIN_ABILITIES : kind === 'api_key' ? API_KEY_ABILITIES : ABILITIES;
  const unknown = abilities.filter((a) => !allowed.includes(a));
  if (unknown.length > 0)
    throw validationFailed({
      abilities: [
        `Not abilities this credential can carry: ${unknown.join(', ')} (choose from ${allowed.join(', ')}).`,
      ],
    });
  if (abilities.length === 0) throw validationFailed({ abilities: ['Choose at least one ability.'] });
  return [...new Set(abilities)];
}

function checkExpiry(expiresAt: Date | null | undefined): Date | null {
  if (!expiresAt) return null;
  if (Number.isNaN(expiresAt.getTime())) throw validationFailed({ expires_at: ['Not a date.'] });
  if (expiresAt.getTime() <= Date.now())
    throw validationFailed({ expires_at: ['The expiry must be in the future.'] });
  if (expiresAt.getTime() > Date.now() + MAX_TOKEN_DAYS * 86_400_000)
    throw validationFailed({ expires_at: [`At most ${MAX_TOKEN_DAYS} days ahead.`] });
  return expiresAt;
}

/** A new credential; its secret is returned this once and only its hash is stored. */
export async function issueCredential(
  db: Knex | Knex.Transaction,
  owner: CredentialOwner,
  kind: CredentialKind,
  opts: {
    name: string;
    abilities?: readonly string[] | undefined;
    ipAllowlist?: readonly string[] | undefined;
    expiresAt?: Date | null | undefined;
  },
): Promise<{ credential: ApiCredential; secret: string }> {
  const generated = generateSecret(kind);
  const defaults =
    kind === 'admin_token' ? ADMIN_ABILITIES : kind === 'api_key' ? API_KEY_ABILITIES : ABILITIES;
  const credential = await ApiCredential.query(db).insertAndFetch({
    ...ownerWhere(owner),
    kind,
    name: opts.name,
    prefix: generated.prefix,
    secretHash: generated.secretHash,
    abilities: checkAbilities(kind, opts.abilities ?? defaults),
    ipAllowlist: checkAllowlist(opts.ipAllowlist ?? [], 'ip_allowlist'),
    expiresAt: checkExpiry(opts.expiresAt),
  });
  return { credential, secret: generated.secret };
}

/** The owner's credentials, newest first, revoked ones included (never their hashes). */
export async function listCredentials(db: Knex, owner: CredentialOwner): Promise<ApiCredential[]> {
  return ApiCredential.query(db).where(ownerWhere(owner)).orderBy('id', 'desc');
}

async function ownedCredential(db: Knex | Knex.Transaction, owner: CredentialOwner, prefix: string) {
  const credential = await ApiCredential.query(db).where(ownerWhere(owner)).findOne({ prefix }).forUpdate();
  if (!credential) throw notFound('Credential not found.', 'credential_not_found');
  return credential;
}

/** What a credential is, for the audit trail (never its secret or hash). */
const described = (c: ApiCredential) => ({
  prefix: c.prefix,
  kind: c.kind,
  name: c.name,
  abilities: c.abilities,
  ip_allowlist: c.ipAllowlist,
  expires_at: c.expiresAt?.toISOString() ?? null,
  revoked_at: c.revokedAt?.toISOString() ?? null,
});

/** A reseller's Bearer token with chosen abilities and an optional expiry (secret shown once). */
export async function issueToken(
  db: Knex,
  actor: Actor,
  resellerId: number,
  req: { name: string; abilities?: readonly string[] | undefined; expiresAt?: Date | null | undefined },
): Promise<{ credential: ApiCredential; secret: string }> {
  return db.transaction(async (trx) => {
    const issued = await issueCredential(trx, { resellerId }, 'token', req);
    await audit(trx, {
      actor,
      resellerId,
      type: 'credential_issued',
      subjectType: 'credential',
      subjectId: issued.credential.prefix,
      after: described(issued.credential),
    });
    return issued;
  });
}

/**
 * A new API key in place of the live one (`prefix`, or the newest), with its name, abilities and
 * own IP list; the old key stops working at once or after `graceSeconds` (at most 24 h). A
 * reseller with no live key is given one. The new secret is returned this once.
 */
export async function regenerateApiKey(
  db: Knex,
  actor: Actor,
  resellerId: number,
  req: { prefix?: string | undefined; graceSeconds?: number | undefined },
): Promise<{
  credential: ApiCredential;
  secret: string;
  replaced: { prefix: string; revokedAt: Date } | null;
}> {
  const grace = req.graceSeconds ?? 0;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS)
    throw validationFailed({ grace_seconds: [`A whole number of seconds from 0 to ${MAX_GRACE_SECONDS}.`] });
  return db.transaction(async (trx) => {
    const now = Date.now();
    const old = await ApiCredential.query(trx)
      .where({ resellerId, kind: 'api_key' })
      .where((q) => void q.whereNull('revokedAt').orWhere('revokedAt', '>', new Date(now)))
      .modify((q) => {
        if (req.prefix) void q.where('prefix', req.prefix);
      })
      .orderBy('id', 'desc')
      .forUpdate()
      .first();
    if (req.prefix && !old) throw notFound('API key not found.', 'credential_not_found');
    const issued = await issueCredential(trx, { resellerId }, 'api_key', {
      name: old?.name ?? 'API key',
      abilities: old?.abilities.filter((a) => (API_KEY_ABILITIES as readonly string[]).includes(a)),
      ipAllowlist: old?.ipAllowlist,
    });
    let replaced: { prefix: string; revokedAt: Date } | null = null;
    if (old) {
      const revokedAt = new Date(now + grace * 1000);
      // A key already on its way out keeps the earlier end.
      const end = old.revokedAt && old.revokedAt < revokedAt ? old.revokedAt : revokedAt;
      await ApiCredential.query(trx).patch({ revokedAt: end }).where('id', old.id);
      replaced = { prefix: old.prefix, revokedAt: end };
    }
    await audit(trx, {
      actor,
      resellerId,
      type: 'api_key_regenerated',
      subjectType: 'credential',
      subjectId: issued.credential.prefix,
      before: old ? described(old) : null,
      after: {
        ...described(issued.credential),
        replaced_revoked_at: replaced?.revokedAt.toISOString() ?? null,
      },
    });
    return { ...issued, replaced };
  });
}

/** Revokes one of the owner's credentials now; revoking twice is a no-op. */
export async function revokeCredential(
  db: Knex,
  actor: Actor,
  owner: CredentialOwner,
  prefix: string,
): Promise<ApiCredential> {
  return db.transaction(async (trx) => {
    const credential = await ownedCredential(trx, owner, prefix);
    if (credential.revokedAt && credential.revokedAt.getTime() <= Date.now()) return credential;
    const revoked = await ApiCredential.query(trx).patchAndFetchById(credential.id, {
      revokedAt: new Date(),
    });
    await audit(trx, {
      actor,
      resellerId: credential.resellerId,
      type: 'credential_revoked',
      subjectType: 'credential',
      subjectId: credential.prefix,
      before: described(credential),
      after: described(revoked),
    });
    return revoked;
  });
}

/** Replaces the reseller's API whitelist (seed 003: an empty list blocks /api/v1 and the legacy API). */
export async function setApiWhitelist(
  db: Knex,
  actor: Actor,
  resellerId: number,
  entries: readonly string[],
): Promise<string[]> {
  const list = checkAllowlist(entries);
  return db.transaction(async (trx) => {
    const reseller = await Reseller.query(trx).findById(resellerId).forUpdate();
    if (!reseller) throw notFound('Reseller not found.', 'reseller_not_found');
    await Reseller.query(trx).patch({ apiIpAllowlist: list }).where('id', resellerId);
    await audit(trx, {
      actor,
      resellerId,
      type: 'api_whitelist_changed',
      subjectType: 'reseller',
      subjectId: String(resellerId),
      before: reseller.apiIpAllowlist,
      after: list,
    });
    return list;
  });
}
