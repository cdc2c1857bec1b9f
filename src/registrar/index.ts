import type { Config } from '../config';
import { DynadotRegistrar } from './dynadot/client';
import type { Registrar } from './types';

/** The registrar the worker (and the API's read paths) use: Dynadot, at the configured URL. */
export function createRegistrar(
  config: Pick<
    Config,
    'DYNADOT_API_URL' | 'DYNADOT_API_KEY' | 'REGISTRAR_MAX_CONCURRENCY' | 'REGISTRAR_TIMEOUT_MS'
  >,
): Registrar {
  return new DynadotRegistrar({
    baseUrl: config.DYNADOT_API_URL,
    apiKey: config.DYNADOT_API_KEY,
    maxConcurrent: config.REGISTRAR_MAX_CONCURRENCY,
    timeoutMs: config.REGISTRAR_TIMEOUT_MS,
  });
}
