import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { EncryptionCodec } from './payload-codec';
import { parsePayloadKeys, type PayloadKeyring } from './payload-keys';

/** A module of workflows/ by its name: the .ts under tsx and tests, the .js in a compiled build. */
export function workflowsModule(name: string): string {
  const base = path.join(__dirname, '..', '..', 'workflows', name);
  const found = ['.ts', '.js'].map((ext) => base + ext).find((file) => existsSync(file));
  if (!found) throw new Error(`no workflows module at ${base}.{ts,js}`);
  return found;
}

/** The payload converter every client and worker loads (and the workflow bundle includes). */
export const payloadConverterPath = workflowsModule('payload-converter');

/**
 * The data converter of every client and worker: the payload converter that knows readable
 * summaries, and the encryption codec over the keyring of PAYLOAD_KEYS.
 */
export function dataConverter(keys: PayloadKeyring): DataConverter {
  return { payloadConverterPath, payloadCodecs: [new EncryptionCodec(keys)] };
}

/** The keyring of a configuration (config.ts has already refused a malformed one). */
export function payloadKeysOf(config: Pick<Config, 'PAYLOAD_KEYS'>): PayloadKeyring {
  const keys = parsePayloadKeys(config.PAYLOAD_KEYS);
  if ('error' in keys) throw new Error(`PAYLOAD_KEYS: ${keys.error}`);
  return keys;
}

export function dataConverterOf(config: Pick<Config, 'PAYLOAD_KEYS'>): DataConverter {
  return dataConverter(payloadKeysOf(config));
}
