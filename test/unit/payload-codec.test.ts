import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { EncryptionCodec, isEncrypted, PayloadKeyError } from '../../src/temporal/payload-codec';
import {
  DEVELOPMENT_PAYLOAD_KEY,
  encryptingKey,
  parsePayloadKeys,
  type PayloadKeyring,
} from '../../src/temporal/payload-keys';
import { payloadConverter, readable } from '../../workflows/payload-converter';
import { LIVE_SETTINGS } from '../live-settings';

const material = () => randomBytes(32).toString('base64');
const keyring = (spec: string): PayloadKeyring => {
  const keys = parsePayloadKeys(spec);
  if ('error' in keys) throw new Error(keys.error);
  return keys;
};

const registrant = {
  firstName: 'Siti',
  lastName: 'Rahayu',
  email: 'siti.rahayu@example.co.id',
  phone: '+62.81234567890',
};
const text = (p: Payload): string => Buffer.from(p.data ?? []).toString('latin1');

describe('the payload encryption codec', () => {
  const k1 = `k1=${material()}`;
  const k2 = `k2=${material()}`;

  it('encrypts a payload whole (data and metadata) under the newest key, and reads it back', async () => {
    const codec = new EncryptionCodec(keyring(k1));
    const plain = payloadConverter.toPayload({ registrant });
    const [sealed] = await codec.encode([plain]);
    expect(isEncrypted(sealed!)).toBe(true);
    expect(decode(sealed!.metadata!['encoding']!)).toBe('binary/encrypted');
    expect(decode(sealed!.metadata!['encryption-key-id']!)).toBe('k1');
    for (const value of [...Object.values(registrant), 'json/plain'])
      expect(text(sealed!)).not.toContain(value);
    const [opened] = await codec.decode([sealed!]);
    expect(payloadConverter.fromPayload(opened!)).toEqual({ registrant });
    // A fresh IV each time: the same input never gives the same ciphertext.
    const [again] = await codec.encode([plain]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
  });

  it('lets readable summaries through as plain JSON, and reads payloads from before the codec as they are', async () => {
    const codec = new EncryptionCodec(keyring(k1));
    const summary = payloadConverter.toPayload(readable('Register example.com · 1 year'));
    expect(decode(summary.metadata!['readable']!)).toBe('1');
    const [kept] = await codec.encode([summary]);
    expect(kept).toBe(summary);
    expect(payloadConverter.fromPayload(kept!)).toBe('Register example.com · 1 year');
    // A plain string (an activity's argument) is encrypted like everything else.
    const [sealed] = await codec.encode([payloadConverter.toPayload('ORD-1')]);
    expect(isEncrypted(sealed!)).toBe(true);
    const old: Payload = { metadata: { encoding: encode('json/plain') }, data: encode('{"domain":"a.com"}') };
    const [read] = await codec.decode([old]);
    expect(read).toBe(old);
  });

  it('rotates: the newest key encrypts, every key decrypts, and a removed key fails loudly by name', async () => {
    const [underK1] = await new EncryptionCodec(keyring(k1)).encode([payloadConverter.toPayload(registrant)]);
    const both = new EncryptionCodec(keyring(`${k2},${k1}`));
    const [underK2] = await both.encode([payloadConverter.toPayload(registrant)]);
    expect(decode(underK2!.metadata!['encryption-key-id']!)).toBe('k2');
    for (const p of await both.decode([underK1!, underK2!]))
      expect(payloadConverter.fromPayload(p)).toEqual(registrant);

    const onlyK2 = new EncryptionCodec(keyring(k2));
    await expect(onlyK2.decode([underK2!])).resolves.toHaveLength(1);
    await expect(onlyK2.decode([underK1!])).rejects.toThrow(PayloadKeyError);
    await expect(onlyK2.decode([underK1!])).rejects.toThrow(
      /key "k1", which is not in this process's PAYLOAD_KEYS \(k2\)/,
    );
  });

  it('refuses an altered payload, and a different key under the same id', async () => {
    const codec = new EncryptionCodec(keyring(k1));
    const [sealed] = await codec.encode([payloadConverter.toPayload(registrant)]);
    const altered = Buffer.from(sealed!.data!);
    altered[20] = altered[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: altered }])).rejects.toThrow(/does not authenticate/);
    await expect(new EncryptionCodec(keyring(`k1=${material()}`)).decode([sealed!])).rejects.toThrow(
      /does not authenticate/,
    );
    // The key id is bound to the ciphertext: relabelling it under another held key fails too.
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': encode('k2') } };
    await expect(
      new EncryptionCodec(keyring(`${k1},k2=${k1.slice(3)}`)).decode([relabelled]),
    ).rejects.toThrow(/does not authenticate/);
  });

  it('starts a key at its time: given to every process beforehand, it encrypts from then on', () => {
    const at = new Date('2026-12-08T00:00:00Z');
    const keys = keyring(`k2=${material()}@${at.toISOString()},${k1}`);
    expect(encryptingKey(keys, new Date(at.getTime() - 1)).id).toBe('k1');
    expect(encryptingKey(keys, at).id).toBe('k2');
  });

  it('says what is wrong with a PAYLOAD_KEYS value', () => {
    const why = (spec: string): string => {
      const parsed = parsePayloadKeys(spec);
      return 'error' in parsed ? parsed.error : 'accepted';
    };
    expect(why('')).toMatch(/at least one key/);
    expect(why(`k1=${randomBytes(16).toString('base64')}`)).toMatch(/k1: give 32 bytes in base64 .* not 16/);
    expect(why(`${k1},${k1}`)).toBe('key id k1 is given twice');
    expect(why(`=${material()}`)).toMatch(/start with a key id/);
    expect(why(`k1=${material()}@soon`)).toMatch(/no ISO 8601 time/);
    expect(why(`${k1},${k2}`)).toBe('accepted');
    expect(() => loadConfig({ PAYLOAD_KEYS: 'k1=short' })).toThrow(/PAYLOAD_KEYS: key k1: give 32 bytes/);
    expect(() => loadConfig({ PAYLOAD_KEYS: `k1=${material()}@2999-01-01T00:00:00Z` })).toThrow(
      /PAYLOAD_KEYS: no key has started yet/,
    );
  });

  it('refuses the public development key in production, even beside a real one', () => {
    const real = { ...LIVE_SETTINGS, PAYLOAD_KEYS: k1 };
    expect(loadConfig(real).PAYLOAD_KEYS).toBe(k1);
    for (const keys of [
      DEVELOPMENT_PAYLOAD_KEY,
      `${k1},${DEVELOPMENT_PAYLOAD_KEY}`,
      `live=${DEVELOPMENT_PAYLOAD_KEY.split('=').slice(1).join('=')}`,
    ]) {
      expect(() => loadConfig({ ...real, PAYLOAD_KEYS: keys })).toThrow(ConfigError);
      expect(() => loadConfig({ ...real, PAYLOAD_KEYS: keys })).toThrow(
        /PAYLOAD_KEYS: must be set in production/,
      );
    }
    const { PAYLOAD_KEYS: _kept, ...withoutKeys } = real;
    expect(() => loadConfig(withoutKeys)).toThrow(/PAYLOAD_KEYS: must be set in production/);
  });
});
