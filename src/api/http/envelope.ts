import type { Context } from 'koa';
import type { AppError, FieldErrors } from '../../services/errors';

/** Seed 003's envelopes, shared by the /api/v1 and /api/reseller/v1 surfaces. */
export interface SuccessEnvelope<T> {
  success: true;
  message: string;
  data: T;
}

export interface FailureEnvelope {
  success: false;
  message: string;
  code: string;
  errors?: FieldErrors;
  request_id?: string;
}

export function respond<T>(ctx: Context, data: T, message = 'OK', status = 200): void {
  ctx.status = status;
  ctx.body = { success: true, message, data } satisfies SuccessEnvelope<T>;
}

/** How a surface words a failure: the body an AppError leaves with. */
export type FailureRenderer = (failure: AppError, requestId: string | undefined) => Record<string, unknown>;

/** Seed 003's failure envelope; a 5xx carries only the request id to quote. */
export const standardFailure: FailureRenderer = (failure, requestId) => {
  const body: FailureEnvelope = { success: false, message: failure.message, code: failure.code };
  if (failure.errors) body.errors = failure.errors;
  if (failure.status >= 500 && requestId !== undefined) body.request_id = requestId;
  return { ...body };
};
