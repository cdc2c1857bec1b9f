import type { Knex } from 'knex';
import { ABILITIES, type Ability, generateSecret, isValidAllowlistEntry } from '../auth/credentials';
import { ApiCredential, Reseller, type ResellerRole } from '../db/models';

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
}

export interface IssuedCredentials {
  reseller: Reseller;
  /** `X-API-KEY` secret, bound to the IP allowlist. Shown once. */
  apiKey: string;
  /** `Authorization: Bearer drk_…` token carrying abilities. Shown once. */
  token: string;
}

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function checkAllowlist(entries: readonly string[]): string[] {
  const cleaned = entries.map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of cleaned) {
    if (!isValidAllowlistEntry(entry)) {
      throw new InvalidInputError(`"${entry}" is not an IP address or CIDR range`, 'ip_allowlist');
    }
  }
  return cleaned;
}

export async function issueCredential(
  db: Knex,
  resellerId: number,
  kind: 'api_key' | 'token',
  opts: { name: string; abilities?: readonly Ability[]; ipAllowlist?: readonly string[] },
): Promise<{ credential: ApiCredential; secret: string }> {
  const generated = generateSecret(kind);
  const credential = await ApiCredential.query(db).insertAndFetch({
    resellerId,
    kind,
    name: opts.name,
    prefix: generated.prefix,
    secretHash: generated.secretHash,
    abilities: [...(opts.abilities ?? ABILITIES)],
    ipAllowlist: checkAllowlist(opts.ipAllowlist ?? []),
  });
  return { credential, secret: generated.secret };
}

/** Creates a reseller with one API key and one Bearer token, in one transaction. */
export async function createReseller(db: Knex, input: CreateResellerInput): Promise<IssuedCredentials> {
  const currency = input.currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new InvalidInputError('currency must be an ISO 4217 code', 'currency');
  const ipAllowlist = checkAllowlist(input.ipAllowlist ?? []);
  return db.transaction(async (trx) => {
    const reseller = await Reseller.query(trx).insertAndFetch({
      name: input.name,
      email: input.email.toLowerCase(),
      currency,
      role: input.role ?? 'reseller',
      status: 'active',
      apiIpAllowlist: ipAllowlist,
    });
    const abilities = input.abilities ?? [...ABILITIES];
    const apiKey = await issueCredential(trx, reseller.id, 'api_key', { name: 'default API key', abilities });
    const token = await issueCredential(trx, reseller.id, 'token', { name: 'default token', abilities });
    return { reseller, apiKey: apiKey.secret, token: token.secret };
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
    const apiKey = await issueCredential(trx, existing.id, 'api_key', { name: 'demo API key' });
    const token = await issueCredential(trx, existing.id, 'token', { name: 'demo token' });
    return { reseller: existing, apiKey: apiKey.secret, token: token.secret };
  });
}
