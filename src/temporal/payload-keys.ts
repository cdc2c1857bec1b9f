import { createHash } from 'node:crypto';

/**
 * The keys that encrypt workflow payloads (PAYLOAD_KEYS): `id=base64` entries, comma-separated,
 * each a 32-byte AES-256 key. The first entry whose start has come encrypts; every entry decrypts.
 * An entry may carry a start (`id=base64@2026-12-08T00:00:00Z`): every process can be given a new
 * key before it is used, in any restart order, and all of them begin to encrypt with it at that
 * instant, each already able to read what the others write.
 */
export interface PayloadKey {
  id: string;
  key: Buffer;
  /** From when this key encrypts (absent: at once). */
  from: Date | null;
}

export type PayloadKeyring = readonly PayloadKey[];

/** The public development key: a production process refuses it (config.ts). */
export const DEVELOPMENT_PAYLOAD_KEY = `dev-1=${createHash('sha256')
  .update('domain-reseller development payload key (public, never for production)')
  .digest('base64')}`;

const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** The keyring of a PAYLOAD_KEYS value, or the reason it is not one. */
export function parsePayloadKeys(spec: string): PayloadKeyring | { error: string } {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return { error: 'give at least one key: id=base64 (32 bytes)' };
  const keys: PayloadKey[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq) : '';
    if (!ID_RE.test(id))
      return { error: `"${entry.slice(0, 20)}…": start with a key id (letters, digits, . _ -), then =` };
    const [material = '', fromText] = entry.slice(eq + 1).split('@');
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== material.replace(/=+$/, ''))
      return { error: `key ${id}: give 32 bytes in base64 (openssl rand -base64 32), not ${key.length}` };
    const from = fromText === undefined ? null : new Date(fromText);
    if (from && Number.isNaN(from.getTime()))
      return { error: `key ${id}: "${fromText}" after @ is no ISO 8601 time` };
    if (keys.some((k) => k.id === id)) return { error: `key id ${id} is given twice` };
    keys.push({ id, key, from });
  }
  return keys;
}

/** The key that encrypts now: the first whose start has come. */
export function encryptingKey(keys: PayloadKeyring, now = new Date()): PayloadKey {
  const key = keys.find((k) => !k.from || k.from.getTime() <= now.getTime());
  if (!key) throw new Error(`no payload key has started yet (${keys.map((k) => k.id).join(', ')})`);
  return key;
}

/** Whether the keyring holds the public development key (by its bytes, whatever its id). */
export function holdsDevelopmentKey(keys: PayloadKeyring): boolean {
  const dev = parsePayloadKeys(DEVELOPMENT_PAYLOAD_KEY) as PayloadKeyring;
  return keys.some((k) => k.key.equals(dev[0]!.key));
}
