import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { AppState } from './context';

/** What a success answer carries: the envelope's `data` schema, or a CSV or zip download. */
export type Answer = z.ZodType | 'csv' | 'zip' | 'legacy';

/**
 * Failure codes any route of an authenticated surface may answer, beside its own: input that is
 * not a body, validation, authentication and abilities, throttling, the workflow engine's silence,
 * and the generic 500.
 */
export const COMMON_ERRORS = [
  'validation_error',
  'invalid_body',
  'payload_too_large',
  'unsupported_encoding',
  'method_not_allowed',
  'not_found',
  'bad_request',
  'unauthenticated',
  'invalid_credentials',
  'credential_expired',
  'account_inactive',
  'ip_not_allowed',
  'ability_missing',
  'rate_limited',
  'idempotency_key_missing',
  'idempotency_key_reused',
  'idempotency_key_in_use',
  'workflow_unavailable',
  'database_unavailable',
  'internal_error',
] as const;

export interface Answers {
  /** Status → what the success envelope's `data` is. */
  ok: Record<number, Answer>;
  /** The codes this route's failures may carry beyond COMMON_ERRORS. */
  errors: readonly string[];
}

/**
 * Declares the answers of a route for the OpenAPI document: a no-op at run time, read from the
 * route's middleware like `validate()`'s schema. Tests check every answer against the document.
 */
export function answers(
  ok: Record<number, Answer>,
  errors: readonly string[] = [],
): Middleware<AppState> & { answers: Answers } {
  const middleware: Middleware<AppState> = (_ctx, next) => next();
  return Object.assign(middleware, { answers: { ok, errors } });
}

/* Failure codes shared by families of routes. */
export const DOMAIN_LOOKUP = ['domain_not_found'] as const;
export const REGISTRAR_READ = [
  'registrar_unavailable',
  'registrar_rejected',
  'unsupported_capability',
] as const;
export const DNS_CHANGE = [
  'domain_not_found',
  'dns_not_active',
  'record_not_found',
  'cname_conflict',
  'unsupported_capability',
  'not_ready',
  'registrar_rejected',
  'dns_rejected',
  'dns_not_hosted',
  'dns_unavailable',
] as const;
/** What placing an order may be refused with, or a fresh order may have failed with (422/409). */
export const ORDER_PLACEMENT = [
  'domain_not_found',
  'not_offered',
  'domain_unavailable',
  'premium_price_required',
  'premium_price_mismatch',
  'premium_not_offered',
  'exchange_rate_missing',
  'exchange_rate_stale',
  'expiry_unknown',
  'order_in_progress',
  'insufficient_balance',
  'registrar_rejected',
  'registrar_failed',
  'registrar_unavailable',
  'invoice_expired',
  'billing_voided',
  'order_failed',
  'idempotency_key_reused',
] as const;
/** What pricing from a registrar cost may be refused with (no current exchange rate). */
export const RATE_NEEDED = ['exchange_rate_missing', 'exchange_rate_stale'] as const;
/** What a domain operation (sync, nameservers, Whois, EPP, lock, privacy) may be refused with. */
export const DOMAIN_OPERATION = ['domain_not_found', 'registrar_rejected', 'unsupported_capability'] as const;
