import { RegistrarError } from '../registrar/errors';
import { withTimeout } from '../timeout';
import { unavailable, unprocessable } from './errors';

export const REGISTRAR_READ_TIMEOUT_MS = 10_000;

/** A registrar read with a timeout; registrar refusals are 422, outages 503. */
export async function registrarRead<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(
      fn(),
      REGISTRAR_READ_TIMEOUT_MS,
      () => new RegistrarError('retryable', 'timed out'),
    );
  } catch (err) {
    if (err instanceof RegistrarError) {
      if (err.kind === 'unsupported')
        throw unprocessable('unsupported_capability', 'The provider does not support this operation.');
      if (err.kind === 'retryable')
        throw unavailable(
          'registrar_unavailable',
          'The registrar could not be reached; please retry shortly.',
        );
      throw unprocessable('registrar_rejected', err.message);
    }
    throw err;
  }
}
