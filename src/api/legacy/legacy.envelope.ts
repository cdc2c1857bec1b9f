import type { Context } from 'koa';
import type { FailureRenderer } from '../http/envelope';

/** The one path of the legacy action API. */
export const LEGACY_PATH = '/api/index.php';

/** The legacy envelope: `status`, `message`, `data` and, for billable actions, `meta.balance_before/after`. */
export function legacyReply(
  ctx: Context,
  status: number,
  message: string,
  data: unknown,
  meta?: Record<string, unknown>,
): void {
  ctx.status = status;
  ctx.body = { status: 'success', message, data, ...(meta ? { meta } : {}) };
}

/** A legacy failure: `status: "error"`, the message and code (field errors too), `data: null`, and `meta` when it has one. */
export const legacyFailure: FailureRenderer = (failure, requestId) => ({
  status: 'error',
  message: failure.message,
  code: failure.code,
  ...(failure.errors ? { errors: failure.errors } : {}),
  ...(failure.status >= 500 && requestId !== undefined ? { request_id: requestId } : {}),
  data: null,
  ...(failure.meta ? { meta: failure.meta } : {}),
});
