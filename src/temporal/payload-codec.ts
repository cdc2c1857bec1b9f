import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { temporal } from '@temporalio/proto';
import { READABLE_METADATA } from '../../workflows/payload-converter';
import { encryptingKey, type PayloadKeyring } from './payload-keys';

/** The encoding of an encrypted payload, and the metadata naming its key (Temporal's samples' names). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload this process cannot read: its key is not in PAYLOAD_KEYS, or it was altered. */
export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

/**
 * Encrypts every payload (AES-256-GCM, a fresh 12-byte IV each, the key id as additional data)
 * with the keyring's encrypting key, and decrypts with whichever key its metadata names. Two kinds
 * pass as they are: payloads that were never encrypted (histories from before the codec; decode
 * reads them as they are), and the run summaries and step summaries workflows/payload-converter.ts
 * marks readable (they hold no personal data, and an operator without the codec reads them).
 * The wire form is iv ‖ ciphertext ‖ tag of the whole serialized payload, metadata included.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeyring) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- a failure rejects, as the SDK expects
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encodeOne(p));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a failure rejects, as the SDK expects
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decodeOne(p));
  }

  encodeOne(payload: Payload): Payload {
    if (payload.metadata?.[READABLE_METADATA] || isEncrypted(payload)) return payload;
    const { id, key } = encryptingKey(this.keys);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encode(id) },
      data: new Uint8Array(data),
    };
  }

  decodeOne(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new PayloadKeyError(`an encrypted payload carries no ${KEY_ID_METADATA}`);
    const id = decode(idBytes);
    const found = this.keys.find((k) => k.id === id);
    if (!found)
      throw new PayloadKeyError(
        `a payload is encrypted with key "${id}", which is not in this process's PAYLOAD_KEYS (${this.keys.map((k) => k.id).join(', ')}): add it back to read it`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadKeyError(`an encrypted payload (key "${id}") is cut short`);
    const decipher = createDecipheriv('aes-256-gcm', found.key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadKeyError(
        `a payload encrypted with key "${id}" does not authenticate: altered, or another key by that id`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.['encoding'];
  return encoding !== undefined && encoding !== null && decode(encoding) === ENCRYPTED_ENCODING;
}
