import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import {
  type Ability,
  ABILITIES,
  ipAllowed,
  normaliseIp,
  parseSecret,
  secretMatches,
} from '../../auth/credentials';
import { ApiCredential, Reseller } from '../../db/models';
import type { AppState } from '../context';
import { forbidden, unauthenticated } from '../../services/errors';
import { tooManyRequests } from '../errors';

export type AuthStyle = 'api_key' | 'bearer';

export interface AuthOptions {
  /** Which ways of presenting a credential this surface accepts. */
  accept: readonly AuthStyle[];
  /**
   * `reseller`: the reseller's API whitelist holds for every credential (seed 003's surfaces; an
   * empty whitelist blocks them), and a credential's own list narrows it further. `credential`:
   * only a credential's own list, when it has one (the order/invoice surface's tokens).
   */
  ipPolicy: 'reseller' | 'credential';
  /** Failed attempts allowed per client IP per window before 429. */
  failedAttemptsPerWindow: number;
  windowSeconds: number;
}

function presented(
  ctx: { get(name: string): string },
  accept: readonly AuthStyle[],
): { style: AuthStyle; value: string } | null {
  const authorization = ctx.get('Authorization');
  if (accept.includes('bearer') && authorization !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return { style: 'bearer', value: m?.[1] ?? '' };
  }
  const apiKey = ctx.get('X-API-KEY');
  if (accept.includes('api_key') && apiKey !== '') return { style: 'api_key', value: apiKey };
  return null;
}

const KNOWN_ABILITIES: ReadonlySet<string> = new Set(ABILITIES);

// Every column of resellers but id (a test compares the result with the Reseller model row).
const RESELLER_COLUMNS = [
  'name',
  'email',
  'role',
  'status',
  'currency',
  'markupBps',
  'apiIpAllowlist',
  'createdAt',
  'updatedAt',
];

/**
 * The live (unrevoked) credential with this prefix and its reseller, in one round trip: every
 * authenticated request pays for this lookup.
 */
export async function findCredential(
  db: Knex,
  prefix: string,
): Promise<{ credential: ApiCredential; reseller: Reseller } | null> {
  const alias = (col: string) => `reseller${col[0]!.toUpperCase()}${col.slice(1)}`;
  const row = (await db('apiCredentials as c')
    .join('resellers as r', 'r.id', 'c.resellerId')
    .where('c.prefix', prefix)
    .whereNull('c.revokedAt')
    .first('c.*', ...RESELLER_COLUMNS.map((col) => `r.${col} as ${alias(col)}`))) as
    Record<string, unknown> | undefined;
  if (!row) return null;
  const reseller: Record<string, unknown> = { id: row['resellerId'] };
  for (const col of RESELLER_COLUMNS) {
    reseller[col] = row[alias(col)];
    delete row[alias(col)];
  }
  return {
    credential: ApiCredential.fromDatabaseJson(row),
    reseller: Reseller.fromDatabaseJson(reseller),
  };
}

/**
 * Authenticates a request: one credential store for API keys (`X-API-KEY`) and Bearer tokens
 * (`drk_…`, carrying abilities), each optionally narrowed by its own IP list, under the
 * reseller's API whitelist where the surface applies it (`ipPolicy`). Secrets are compared as hashes in constant time. Suspended
 * resellers and admin accounts are rejected. Repeated failures from one IP are throttled.
 */
export function authenticate(db: Knex, opts: AuthOptions): Middleware<AppState> {
  const failures = new RateLimiterMemory({
    points: opts.failedAttemptsPerWindow,
    duration: opts.windowSeconds,
  });

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
    const expectedKind = given.style === 'bearer' ? 'token' : 'api_key';
    if (!parsed || parsed.kind !== expectedKind)
      return reject(ip, unauthenticated('Invalid API key.', 'invalid_credentials'));

    const found = await findCredential(db, parsed.prefix);
    if (!found || !secretMatches(parsed.secret, found.credential.secretHash)) {
      return reject(ip, unauthenticated('Invalid API key.', 'invalid_credentials'));
    }
    const { credential, reseller } = found;
    if (reseller.status !== 'active' || reseller.role !== 'reseller') {
      return reject(ip, unauthenticated('This account cannot use the API.', 'account_inactive'));
    }
    const allowed =
      (opts.ipPolicy === 'credential' || ipAllowed(ip, reseller.apiIpAllowlist)) &&
      (credential.ipAllowlist.length === 0 || ipAllowed(ip, credential.ipAllowlist));
    if (!allowed) {
      throw forbidden('ip_not_allowed', `The caller IP ${ip} is not whitelisted for this account.`);
    }

    // last_used_at is kept to the minute: the row just read says whether it is due.
    const lastUsed = credential.lastUsedAt ? new Date(credential.lastUsedAt).getTime() : 0;
    if (Date.now() - lastUsed >= 60_000)
      await ApiCredential.query(db)
        .patch({ lastUsedAt: new Date() })
        .where('id', credential.id)
        .where((q) => {
          void q.whereNull('lastUsedAt').orWhere('lastUsedAt', '<', db.raw("now() - interval '1 minute'"));
        });

    ctx.state.auth = {
      reseller,
      credential,
      abilities: new Set(credential.abilities.filter((a): a is Ability => KNOWN_ABILITIES.has(a))),
    };
    await next();
  };
}

/** 403 unless the credential carries the ability (seed 000's table names one per endpoint). */
export function requireAbility(ability: Ability): Middleware<AppState> & { ability: Ability } {
  const middleware: Middleware<AppState> = async (ctx, next) => {
    const auth = ctx.state.auth;
    if (!auth) throw unauthenticated();
    if (!auth.abilities.has(ability)) {
      throw forbidden('ability_missing', `This credential lacks the ${ability} ability.`);
    }
    await next();
  };
  // Tagged so the route table (docs, the security test) can tell which ability a route needs.
  return Object.assign(middleware, { ability });
}

/** Per-credential rate limit; 429 with Retry-After and X-RateLimit-* headers. */
export function rateLimit(points: number, windowSeconds: number): Middleware<AppState> {
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  return async (ctx, next) => {
    const auth = ctx.state.auth;
    if (!auth) throw unauthenticated();
    ctx.set('X-RateLimit-Limit', String(points));
    try {
      const res = await limiter.consume(`cred:${auth.credential.id}`);
      ctx.set('X-RateLimit-Remaining', String(res.remainingPoints));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      ctx.set('X-RateLimit-Remaining', '0');
      throw tooManyRequests(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
    await next();
  };
}
