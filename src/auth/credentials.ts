import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { CredentialKind } from '../vocabulary';

/**
 * Every ability a reseller credential can carry: seed 000's table, and `account.manage` (its own
 * credentials and whitelist), which the default token carries and API keys never do: a stolen key
 * must not be able to re-whitelist itself.
 */
export const ABILITIES = [
  'billing.read',
  'domains.read',
  'domains.write',
  'orders.read',
  'orders.write',
  'account.manage',
] as const;
export type Ability = (typeof ABILITIES)[number];

/** What an API key may carry: everything but managing the account. */
export const API_KEY_ABILITIES: readonly Ability[] = ABILITIES.filter((a) => a !== 'account.manage');

/** The abilities of admin tokens: read anything, change the business, move money. */
export const ADMIN_ABILITIES = ['admin.read', 'admin.write', 'admin.money'] as const;
export type AdminAbility = (typeof ADMIN_ABILITIES)[number];

/** Shape of a secret: `<tag>_<12 char public id>_<40 char secret>`, base62. */
const TAGS: Record<CredentialKind, string> = { token: 'drk', api_key: 'dak', admin_token: 'dat' };
const KINDS: Record<string, CredentialKind> = { drk: 'token', dak: 'api_key', dat: 'admin_token' };
const SECRET_RE = /^(drk|dak|dat)_([0-9A-Za-z]{12})_([0-9A-Za-z]{40})$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 62 * 4: rejection sampling keeps the alphabet uniform.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface GeneratedSecret {
  /** The full secret, shown to the reseller once and never stored. */
  secret: string;
  /** Public, non-secret identifier stored and shown in listings (`drk_AbC123xyz789`). */
  prefix: string;
  secretHash: string;
}

export function generateSecret(kind: CredentialKind): GeneratedSecret {
  const prefix = `${TAGS[kind]}_${randomBase62(12)}`;
  const secret = `${prefix}_${randomBase62(40)}`;
  return { secret, prefix, secretHash: hashSecret(secret) };
}

export interface ParsedSecret {
  kind: CredentialKind;
  prefix: string;
  secret: string;
}

/** Parses a presented secret; anything not of our shape is simply not a credential. */
export function parseSecret(presented: string): ParsedSecret | null {
  const m = SECRET_RE.exec(presented.trim());
  if (!m) return null;
  return {
    kind: KINDS[m[1]!]!,
    prefix: `${m[1]}_${m[2]}`,
    secret: presented.trim(),
  };
}

/** Constant-time comparison of a presented secret against a stored hash. */
/** Two strings compared in constant time (hashed to equal lengths first). */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Strips the IPv4-mapped IPv6 form so `::ffff:10.0.0.1` matches an allowlisted `10.0.0.1`. */
export function normaliseIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

/** A compiled allowlist: whether an IP is on it. An empty list allows nobody. */
export type IpCheck = (ip: string) => boolean;

/** Compiles entries that are single addresses or CIDR ranges (IPv4 or IPv6) once, to check many IPs. */
export function compileAllowlist(allowlist: readonly string[]): IpCheck {
  const list = new BlockList();
  for (const entry of allowlist) {
    const [base = '', bits] = entry.trim().split('/');
    const baseFamily = isIP(normaliseIp(base));
    if (baseFamily === 0) continue;
    const type = baseFamily === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(normaliseIp(base), type);
    else list.addSubnet(normaliseIp(base), Number(bits), type);
  }
  return (ip) => {
    const addr = normaliseIp(ip);
    const family = isIP(addr);
    return family !== 0 && list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Checks an IP against entries that are single addresses or CIDR ranges (IPv4 or IPv6). */
export function ipAllowed(ip: string, allowlist: readonly string[]): boolean {
  return allowlist.length > 0 && compileAllowlist(allowlist)(ip);
}

/** True when an allowlist entry is an IP address or a CIDR range. */
export function isValidAllowlistEntry(entry: string): boolean {
  const [base = '', bits, extra] = entry.trim().split('/');
  const family = isIP(base);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
