import type { ZodError } from 'zod';
/** Field errors as seed 003 shows them: `{ "domain_name": ["The domain name field is required."] }`. */
export type FieldErrors = Record<string, string[]>;

/**
 * A failure meant for the caller, raised by the core (services) and the surfaces alike: a stable
 * snake_case `code`, the HTTP-style status it maps to, a message safe to show, and optional field
 * errors. Every surface renders it in its own envelope; anything that is not an AppError becomes a
 * generic 500 there.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldErrors,
    readonly headers?: Record<string, string>,
    /** Envelope extras some surfaces send with a failure (the legacy API's balance `meta`). */
    readonly meta?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The same failure, carrying `meta`. */
  withMeta(meta: Record<string, unknown>): AppError {
    return new AppError(this.status, this.code, this.message, this.errors, this.headers, meta);
  }
}

export const badRequest = (code: string, message: string, errors?: FieldErrors): AppError =>
  new AppError(400, code, message, errors);

export const unauthenticated = (
  message = 'Missing or invalid API key.',
  code = 'unauthenticated',
): AppError => new AppError(401, code, message);

export const forbidden = (code: string, message: string): AppError => new AppError(403, code, message);

export const notFound = (message = 'Not found.', code = 'not_found'): AppError =>
  new AppError(404, code, message);

export const conflict = (code: string, message: string): AppError => new AppError(409, code, message);

export const validationFailed = (
  errors: FieldErrors,
  message = 'The request could not be validated.',
): AppError => new AppError(422, 'validation_error', message, errors);

export const unprocessable = (code: string, message: string, errors?: FieldErrors): AppError =>
  new AppError(422, code, message, errors);

/** A dependency (the registrar, a gateway, the workflow engine) did not answer: retry later. */
export const unavailable = (code: string, message: string, retryAfterSeconds?: number): AppError =>
  new AppError(
    503,
    code,
    message,
    undefined,
    retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) },
  );

/** Zod issues as seed 003 field errors: `{ "domain_name": ["…"] }`, nested paths dotted. */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    // Request schemas wrap { params, query, body }: callers know fields, not our wrapper.
    const path = ['params', 'query', 'body'].includes(String(issue.path[0]))
      ? issue.path.slice(1)
      : issue.path;
    const field = path.length > 0 ? path.map(String).join('.') : '_';
    (out[field] ??= []).push(issue.message);
  }
  return out;
}
