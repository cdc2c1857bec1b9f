/** Field errors as seed 003 shows them: `{ "domain_name": ["The domain name field is required."] }`. */
export type FieldErrors = Record<string, string[]>;

/**
 * An error meant for the API caller: a stable snake_case `code`, an HTTP status, a message safe
 * to show, and optional field errors. Anything that is not an ApiError becomes a generic 500.
 */
export class ApiError extends Error {
  override name = 'ApiError';
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
  withMeta(meta: Record<string, unknown>): ApiError {
    return new ApiError(this.status, this.code, this.message, this.errors, this.headers, meta);
  }
}

export const badRequest = (code: string, message: string, errors?: FieldErrors): ApiError =>
  new ApiError(400, code, message, errors);

export const unauthenticated = (
  message = 'Missing or invalid API key.',
  code = 'unauthenticated',
): ApiError => new ApiError(401, code, message);

export const forbidden = (code: string, message: string): ApiError => new ApiError(403, code, message);

export const notFound = (message = 'Not found.', code = 'not_found'): ApiError =>
  new ApiError(404, code, message);

export const conflict = (code: string, message: string): ApiError => new ApiError(409, code, message);

export const validationFailed = (
  errors: FieldErrors,
  message = 'The request could not be validated.',
): ApiError => new ApiError(422, 'validation_error', message, errors);

export const unprocessable = (code: string, message: string, errors?: FieldErrors): ApiError =>
  new ApiError(422, code, message, errors);

export const tooManyRequests = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'rate_limited', 'Too many requests.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/**
 * The workflow engine did not answer within WORKFLOW_ANSWER_TIMEOUT_MS (no worker polling, or
 * Temporal unreachable): 503, and the request may be retried. Under the same Idempotency-Key a
 * retry is never applied twice (orders: one workflow per key; DNS changes: one update per key).
 */
export function workflowUnavailable(): ApiError {
  return new ApiError(
    503,
    'workflow_unavailable',
    'The request could not be confirmed in time; please retry with the same Idempotency-Key.',
    undefined,
    { 'Retry-After': '5' },
  );
}
