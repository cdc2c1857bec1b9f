import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limiters } from '../../rate-limits';
import {
  type Ability,
  ABILITIES,
  ADMIN_ABILITIES,
  type AdminAbility,
  compileAllowlist,
  type IpCheck,
  normaliseIp,
  parseSecret,
  secretMatches,
} from '../../auth/credentials';
import type { CredentialCache } from '../../auth/credential-cache';
import { Admin, ApiCredential, Reseller } from '../../db/models';
import { forbidden, unauthenticated } from '../../services/errors';
import type { AppContext, AppState } from '../http/context';
import { tooManyRequests } from '../http/errors';

export type AuthStyle = 'api_key' | 'bearer' | 'admin_bearer';

export interface AuthOptions {
  /** Which ways of presenting a credential this surface accepts. */
  accept: readonly AuthStyle[];
  /**
   * `reseller`: the reseller's API whitelist holds for every credential (seed 003's surfaces; an
   * empty whitelist blocks them), and a credential's own list narrows it further. `credential`:
   * only a credential's own list, when it has one (the order/invoice surface's tokens, admin tokens).
   */
  ipPolicy: 'reseller' | 'credential';
  /** Failed attempts allowed per client IP per window before 429. */
  failedAttemptsPerWindow: number;
  windowSeconds: number;
  /** Credentials looked up recently, shared by the app's surfaces. */
  cache: CredentialCache<Known>;
  /** Where the failed-attempt counters live, and their name (one per surface). */
  limiters: Limiters;
  name: string;
}

/** A live credential and its owner as a request needs them, allowlists compiled once. */
export type Known = (
  | { credential: ApiCredential; reseller: Reseller; resellerAllows: IpCheck }
  | { credential: ApiCredential; admin: Admin }
) & { credentialAllows: IpCheck | null };

/** When a known credential stops being live by itself (expiry, or a revocation's grace ending). */
function endOf({ credential }: Known): number | null {
  const ends = [credential.expiresAt, credential.revokedAt]
    .filter((d): d is Date => d !== null && d !== undefined)
    .map((d) => new Date(d).getTime());
  return ends.length ? Math.min(...ends) : null;
}

async function lookUp(db: Knex, style: AuthStyle, prefix: string): Promise<Known | null> {
  const found =
    style === 'admin_bearer' ? await findAdminCredential(db, prefix) : await findCredential(db, prefix);
  if (!found) return null;
  const { ipAllowlist } = found.credential;
  const credentialAllows = ipAllowlist.length > 0 ? compileAllowlist(ipAllowlist) : null;
  return 'admin' in found
    ? { ...found, credentialAllows }
    : { ...found, credentialAllows, resellerAllows: compileAllowlist(found.reseller.apiIpAllowlist) };
}

function presented(
  ctx: { get(name: string): string },
  accept: readonly AuthStyle[],
): { style: AuthStyle; value: string } | null {
  const authorization = ctx.get('Authorization');
  const bearer = accept.find((s) => s === 'bearer' || s === 'admin_bearer');
  if (bearer && authorization !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return { style: bearer, value: m?.[1] ?? '' };
  }
  const apiKey = ctx.get('X-API-KEY');
  if (accept.includes('api_key') && apiKey !== '') return { style: 'api_key', value: apiKey };
  return null;
}

const EXPECTED_KIND = { api_key: 'api_key', bearer: 'token', admin_bearer: 'admin_token' } as const;
const KNOWN_ABILITIES: ReadonlySet<string> = new Set<string>([...ABILITIES, ...ADMIN_ABILITIES]);

/** Live: not revoked (or revoked only from a future instant: a grace period) and not expired. */
function live(q: Knex.QueryBuilder, db: Knex): void {
  void q
    .where((w) => void w.whereNull('c.revokedAt').orWhere('c.revokedAt', '>', db.fn.now()))
    .where((w) => void w.whereNull('c.expiresAt').orWhere('c.expiresAt', '>', db.fn.now()));
}

/** The live credential with this prefix and its owner's row (aliased columns), in one round trip. */
async function credentialWithOwner<T>(
  db: Knex,
  prefix: string,
  owner: { table: 'resellers' | 'admins'; key: 'resellerId' | 'adminId'; columns: readonly string[] },
  build: (credential: ApiCredential, row: Record<string, unknown>) => T,
): Promise<T | null> {
  const alias = (col: string) => `owner${col[0]!.toUpperCase()}${col.slice(1)}`;
  const row = (await db('apiCredentials as c')
    .join(`${owner.table} as o`, 'o.id', `c.${owner.key}`)
    .where('c.prefix', prefix)
    .modify((q) => live(q, db))
    .first('c.*', ...owner.columns.map((col) => `o.${col} as ${alias(col)}`))) as
    Record<string, unknown> | undefined;
  if (!row) return null;
  const ownerRow: Record<string, unknown> = { id: row[owner.key] };
  for (const col of owner.columns) {
    ownerRow[col] = row[alias(col)];
    delete row[alias(col)];
  }
  return build(ApiCredential.fromDatabaseJson(row), ownerRow);
}

// Every column of resellers but id (a test compares the result with the Reseller model row).
const RESELLER_COLUMNS = [
  'name',
  'email',
  'role',
  'status',
  'currency',
  'markupBps',
  'markupTierId',
  'apiIpAllowlist',
  'passwordHash',
  'createdAt',
  'updatedAt',
];
const ADMIN_COLUMNS = ['email', 'name', 'status', 'passwordHash', 'createdAt', 'updatedAt'];

/**
 * The live reseller credential with this prefix and its reseller, in one round trip: every
 * authenticated request pays for this lookup.
 */
export function findCredential(
  db: Knex,
  prefix: string,
): Promise<{ credential: ApiCredential; reseller: Reseller } | null> {
  return credentialWithOwner(
    db,
    prefix,
    { table: 'resellers', key: 'resellerId', columns: RESELLER_COLUMNS },
    (credential, row) => ({ credential, reseller: Reseller.fromDatabaseJson(row) }),
  );
}

/** The live admin token with this prefix and its admin. */
export function findAdminCredential(
  db: Knex,
  prefix: string,
): Promise<{ credential: ApiCredential; admin: Admin } | null> {
  return credentialWithOwner(
    db,
    prefix,
    { table: 'admins', key: 'adminId', columns: ADMIN_COLUMNS },
    (credential, row) => ({ credential, admin: Admin.fromDatabaseJson(row) }),
  );
}

/** Whether a revoked or expired credential with this prefix exists (to say why it no longer works). */
async function endedCredential(db: Knex, prefix: string): Promise<'expired' | 'revoked' | null> {
  const row = (await db('apiCredentials').where({ prefix }).first('revokedAt', 'expiresAt')) as
    Pick<ApiCredential, 'revokedAt' | 'expiresAt'> | undefined;
  if (!row) return null;
  if (row.revokedAt && row.revokedAt.getTime() <= Date.now()) return 'revoked';
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return 'expired';
  return null;
}

/**
 * Authenticates a request: one credential store for API keys (`X-API-KEY`), reseller Bearer
 * tokens (`drk_…`) and admin tokens (`dat_…`), each carrying abilities and optionally narrowed by
 * its own IP list, under the reseller's API whitelist where the surface applies it (`ipPolicy`).
 * A surface accepts only its own kinds: an admin token is no credential on a reseller surface and
 * the other way round. Secrets are compared as hashes in constant time; suspended resellers and
 * disabled admins are refused; repeated failures from one IP are throttled.
 */
export function authenticate(db: Knex, opts: AuthOptions): Middleware<AppState> {
  const failures = opts.limiters.make(
    `auth-failures:${opts.name}`,
    opts.failedAttemptsPerWindow,
    opts.windowSeconds,
  );

  async function reject(ip: string, error: ReturnType<typeof unauthenticated>): Promise<never> {
    try {
      await failures.consume(ip);
    } catch (res) {
      if (res instanceof RateLimiterRes)
        throw tooManyRequests(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
      throw res;
    }
    throw error;
  }

  return async (ctx, next) => {
    const ip = normaliseIp(ctx.ip);
    const given = presented(ctx, opts.accept);
    if (!given) return reject(ip, unauthenticated('Missing API key.', 'unauthenticated'));
    const parsed = parseSecret(given.value);
    if (!parsed || parsed.kind !== EXPECTED_KIND[given.style])
      return reject(ip, unauthenticated('Invalid API key.', 'invalid_credentials'));

    const found = await opts.cache.lookup(
      `${given.style}:${parsed.prefix}`,
      () => lookUp(db, given.style, parsed.prefix),
      endOf,
    );
    if (!found || !secretMatches(parsed.secret, found.credential.secretHash)) {
      const ended = found ? null : await endedCredential(db, parsed.prefix);
      return reject(
        ip,
        ended === 'expired'
          ? unauthenticated('This credential has expired.', 'credential_expired')
          : unauthenticated('Invalid API key.', 'invalid_credentials'),
      );
    }
    const { credential, credentialAllows } = found;
    const abilities = new Set(credential.abilities.filter((a) => KNOWN_ABILITIES.has(a)));
    if ('admin' in found) {
      if (found.admin.status !== 'active')
        return reject(ip, unauthenticated('This account cannot use the API.', 'account_inactive'));
      if (credentialAllows && !credentialAllows(ip))
        throw forbidden('ip_not_allowed', `The caller IP ${ip} is not whitelisted for this credential.`);
      ctx.state.admin = { admin: found.admin, credential, abilities: abilities as Set<AdminAbility> };
    } else {
      const { reseller } = found;
      if (reseller.status !== 'active' || reseller.role !== 'reseller') {
        return reject(ip, unauthenticated('This account cannot use the API.', 'account_inactive'));
      }
      const allowed =
        (opts.ipPolicy === 'credential' || found.resellerAllows(ip)) &&
        (!credentialAllows || credentialAllows(ip));
      if (!allowed) {
        throw forbidden('ip_not_allowed', `The caller IP ${ip} is not whitelisted for this account.`);
      }
      ctx.state.auth = { reseller, credential, abilities: abilities as Set<Ability> };
    }

    // last_used_at is kept to the minute, written at most once a minute by each process.
    if (opts.cache.touchDue(credential.id, credential.lastUsedAt))
      await ApiCredential.query(db)
        .patch({ lastUsedAt: new Date() })
        .where('id', credential.id)
        .where((q) => {
          void q.whereNull('lastUsedAt').orWhere('lastUsedAt', '<', db.raw("now() - interval '1 minute'"));
        });
    await next();
  };
}

/** The credential the request was authenticated with, whoever owns it. */
export function authenticatedCredential(ctx: { state: AppState }): ApiCredential | undefined {
  return (ctx.state.auth ?? ctx.state.admin)?.credential;
}

/** 403 unless the credential carries the ability (seed 000's table names one per endpoint). */
export function requireAbility(
  ability: Ability | AdminAbility,
): Middleware<AppState> & { ability: Ability | AdminAbility } {
  const middleware: Middleware<AppState> = async (ctx: AppContext, next) => {
    const held = (ctx.state.auth ?? ctx.state.admin)?.abilities as ReadonlySet<string> | undefined;
    if (!held) throw unauthenticated();
    if (!held.has(ability)) {
      throw forbidden('ability_missing', `This credential lacks the ${ability} ability.`);
    }
    await next();
  };
  // Tagged so the route table (docs, the security test) can tell which ability a route needs.
  return Object.assign(middleware, { ability });
}

/** Per-credential rate limit; 429 with Retry-After and X-RateLimit-* headers. */
export function rateLimit(limiter: RateLimiterAbstract, points: number): Middleware<AppState> {
  return async (ctx, next) => {
    const credential = authenticatedCredential(ctx);
    if (!credential) throw unauthenticated();
    ctx.set('X-RateLimit-Limit', String(points));
    try {
      const res = await limiter.consume(`cred:${credential.id}`);
      ctx.set('X-RateLimit-Remaining', String(res.remainingPoints));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      ctx.set('X-RateLimit-Remaining', '0');
      throw tooManyRequests(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
    await next();
  };
}
