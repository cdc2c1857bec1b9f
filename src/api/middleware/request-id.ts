import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { AppState } from '../http/context';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Uses the caller's X-Request-Id when it is sane, otherwise makes one; echoes it back. Every
 * answer is also marked nosniff (the browser pages add their own headers on top).
 */
export function requestId(): Middleware<AppState> {
  return async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    ctx.state.requestId = ACCEPTABLE.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    ctx.set('X-Content-Type-Options', 'nosniff');
    await next();
  };
}
