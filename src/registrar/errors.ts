/**
 * Registrar failures, classified for retry decisions:
 * - `retryable`: throttling, busy, 5xx, timeouts, connection errors: the call may be repeated
 *   (after checking whether a create already took effect);
 * - `rejected`: the registrar said no (not available, bad auth code, policy): final;
 * - `not_found`: the object is not in our registrar account;
 * - `unsupported`: the registrar cannot do this at all.
 */
export type RegistrarErrorKind = 'retryable' | 'rejected' | 'not_found' | 'unsupported';

/**
 * Why a registration was refused, where the answer says: the name is taken (`not_available`) or
 * it is premium and was sent without `premium=1` (`premium_required`). The registration itself
 * is the availability check of a wallet order (services/order-checks.ts).
 */
export type RegistrarRefusal = 'not_available' | 'premium_required';

export class RegistrarError extends Error {
  override name = 'RegistrarError';
  constructor(
    readonly kind: RegistrarErrorKind,
    message: string,
    readonly command?: string,
    /** Throttled: how long to wait before the next call, when the registrar said. */
    readonly retryAfterMs?: number,
    /** A registration's refusal, classified (rejected only). */
    readonly refusal?: RegistrarRefusal,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'retryable';
  }
}
