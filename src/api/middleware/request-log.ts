import type { Middleware } from 'koa';
import type { ApiLogWriter } from '../http/api-log-writer';
import type { Logger } from '../../logger';
import { redact } from '../../redact';
import type { AppState } from '../http/context';
import { authenticatedCredential } from './auth';

const MAX_STORED_BODY_CHARS = 16_384;

function storable(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value) || typeof (value as { pipe?: unknown }).pipe === 'function') {
    return { omitted: 'binary or stream body' };
  }
  const cleaned = typeof value === 'object' ? redact(value) : { value: redact(value) };
  const json = JSON.stringify(cleaned);
  if (json === undefined) return null;
  if (json.length > MAX_STORED_BODY_CHARS) {
    return { truncated: true, size: json.length, preview: json.slice(0, 1024) };
  }
  return cleaned;
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * Records every request in api_logs (invalid keys and failed validation included), with
 * secrets removed from headers, query and bodies at any depth; the response body is kept for
 * mutations and errors, not for successful reads. Rows go to the batching writer,
 * so the response never waits for its log row, and a failure to write one never fails a request.
 */
export function requestLog(writer: ApiLogWriter, log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const durationMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
      const auth = ctx.state.auth;
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const row = {
        requestId: ctx.state.requestId,
        resellerId: auth?.reseller.id ?? null,
        credentialId: authenticatedCredential(ctx)?.id ?? null,
        method: ctx.method,
        path: ctx.path.slice(0, 2048),
        route: typeof matched === 'string' ? matched : null,
        status: ctx.status,
        ip: ctx.ip,
        durationMs,
        requestHeaders: storable(ctx.headers) as Record<string, unknown>,
        requestQuery: storable(ctx.query) as Record<string, unknown>,
        requestBody: storable((ctx.request as { body?: unknown }).body),
        // A successful read's body is what the database already holds: not copied into the log.
        responseBody: isRead(ctx.method) && ctx.status < 400 ? null : storable(ctx.body),
        errorCode: ctx.state.errorCode ?? null,
        createdAt: new Date(),
      };
      writer.push(row);
      log.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          durationMs,
        },
        'request',
      );
    }
  };
}
