import type { Context } from 'koa';
import type { FieldErrors } from './errors';

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
