import { randomBytes } from 'node:crypto';
import type { RouterContext } from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { Limiters } from '../rate-limits';
import { normaliseIp } from '../auth/credentials';
import type { Admin, Reseller } from '../db/models';
import { AppError } from '../services/errors';
import { parseId } from '../utils/ids';
import {
  csrfMatches,
  loadSession,
  SESSION_COOKIES,
  type SessionKind,
  setFlash,
  type SignedIn,
} from '../services/sessions';
import type { CoreDeps as AppDeps } from '../services/deps';

/*
 * What every browser page shares: the session cookie, CSRF, security headers, rendering and the
 * error page. Pages call the same services as the API; nothing here decides business rules.
 */

/** What the browser pages keep on a request (their own: they share nothing with the API's state). */
export interface PortalState {
  /** The signed-in account, set by `sessionFor`. */
  page?: SignedIn & { token: string };
}
export type PortalContext = RouterContext<PortalState>;

/** Each area has its own cookie (a browser may be signed in to both), scoped to its path. */
export const AREAS = {
  reseller: { cookie: SESSION_COOKIES.reseller, path: '/portal', title: 'Reseller portal' },
  admin: { cookie: SESSION_COOKIES.admin, path: '/console', title: 'Operator console' },
} as const satisfies Record<SessionKind, { cookie: string; path: string; title: string }>;

/** No scripts at all; styles and images only from the app itself. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function cookieOptions(deps: AppDeps, kind: SessionKind) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.NODE_ENV === 'production',
    path: AREAS[kind].path,
    overwrite: true,
  };
}

/** Security headers on every page; pages are never cached (some show a secret once). */
export const pageHeaders: Middleware = async (ctx, next) => {
  await next();
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('X-Frame-Options', 'DENY');
  if (ctx.type.startsWith('text/html')) ctx.set('Cache-Control', 'no-store');
};

export function render(ctx: Context, page: VNode, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html>${renderToString(page)}`;
}

export function redirect(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

/** Redirects (303) to a page that will show `message` once (post/redirect/get). */
export async function redirectWithFlash(
  deps: Pick<AppDeps, 'db'>,
  ctx: PortalContext,
  to: string,
  message: string,
): Promise<void> {
  await setFlash(deps.db, ctx.state.page!.token, message);
  redirect(ctx, to);
}

/** The form body as strings (and string arrays), whatever was posted. */
export function form(ctx: Context): Record<string, string | string[] | undefined> {
  const body = (ctx.request as { body?: unknown }).body;
  return body !== null && typeof body === 'object' ? (body as Record<string, string | string[]>) : {};
}

export const field = (ctx: Context, name: string): string => {
  const v = form(ctx)[name];
  return typeof v === 'string' ? v : '';
};

export const fields = (ctx: Context, name: string): string[] => {
  const v = form(ctx)[name];
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? [v]
      : [];
};

/**
 * Loads the area's session (when the browser has one). Every POST of a signed-in browser must
 * carry the session's CSRF token (`_csrf`) or it is refused with 403 and changes nothing; the
 * sign-in forms carry a pre-session token instead (`preSessionCsrf`).
 */
export function loadPage(deps: AppDeps, kind: SessionKind): Middleware<PortalState> {
  return async (ctx, next) => {
    const token = ctx.cookies.get(AREAS[kind].cookie);
    const signedIn = await loadSession(deps.db, token);
    if (signedIn && signedIn.kind === kind) ctx.state.page = { ...signedIn, token: token! };
    const signingIn = /\/sign-in(\/link)?$/.test(ctx.path);
    if (
      ctx.method === 'POST' &&
      !signingIn &&
      !(ctx.state.page && csrfMatches(ctx.state.page, form(ctx)['_csrf']))
    )
      throw new AppError(
        403,
        'csrf_failed',
        'This form has expired or did not come from this site. Go back, reload and try again.',
      );
    await next();
  };
}

/** Pages of an area: a signed-out browser is sent to sign in. */
export function signedInOnly(deps: AppDeps, kind: SessionKind): Middleware<PortalState> {
  return async (ctx, next) => {
    if (!ctx.state.page) {
      if (ctx.cookies.get(AREAS[kind].cookie))
        ctx.cookies.set(AREAS[kind].cookie, null, cookieOptions(deps, kind));
      redirect(ctx, `${AREAS[kind].path}/sign-in`);
      return;
    }
    await next();
  };
}

export function signedInReseller(ctx: PortalContext): Reseller {
  if (ctx.state.page?.kind !== 'reseller') throw new Error('reseller page without a reseller session');
  return ctx.state.page.subject;
}

export function signedInAdmin(ctx: PortalContext): Admin {
  if (ctx.state.page?.kind !== 'admin') throw new Error('console page without an admin session');
  return ctx.state.page.subject;
}

/** The sign-in form's CSRF token: a cookie and the same value in the form (no session exists yet). */
export function preSessionCsrf(ctx: Context, deps: AppDeps, kind: SessionKind): string {
  const name = `${AREAS[kind].cookie}_csrf`;
  const existing = ctx.cookies.get(name);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  ctx.cookies.set(name, token, { ...cookieOptions(deps, kind), sameSite: 'strict' });
  return token;
}

export function preSessionCsrfMatches(ctx: Context, kind: SessionKind): boolean {
  const cookie = ctx.cookies.get(`${AREAS[kind].cookie}_csrf`);
  return cookie !== undefined && csrfMatches({ csrfToken: cookie }, form(ctx)['_csrf']);
}

/**
 * Sign-in throttling, counted in failed attempts. Per account *and* address: 5 in 15 minutes,
 * then that address waits out the window for that account, and 15 in a day, then it waits out the
 * day (the backoff); per address, all accounts together: 20 in 15 minutes. Nothing counts per
 * account alone, so someone who knows a reseller's email can lock out only their own address,
 * never the reseller signing in from theirs. A refused attempt (429) is not checked against the
 * password. A success clears that account's count at that address.
 */
export const SIGN_IN_LIMITS = {
  perAccountAndAddress: { failures: 5, windowSeconds: 900 },
  perAccountAndAddressDaily: { failures: 15, windowSeconds: 86_400 },
  perAddress: { failures: 20, windowSeconds: 900 },
} as const;

export function signInThrottle(limiters: Limiters, area: string) {
  const limits = (
    [
      { name: 'pair', per: 'pair', ...SIGN_IN_LIMITS.perAccountAndAddress },
      { name: 'pair-day', per: 'pair', ...SIGN_IN_LIMITS.perAccountAndAddressDaily },
      { name: 'ip', per: 'ip', ...SIGN_IN_LIMITS.perAddress },
    ] as const
  ).map((l) => ({ ...l, limiter: limiters.make(`sign-in:${area}:${l.name}`, l.failures, l.windowSeconds) }));
  /** What each limit counts against: the account at this address, or the address. */
  const keys = (ctx: Context, kind: SessionKind) => {
    const ip = normaliseIp(ctx.ip);
    return { pair: `${kind}:${field(ctx, 'email').trim().toLowerCase()}@${ip}`, ip };
  };
  return {
    /** Seconds until another attempt is allowed, or 0. */
    async blocked(ctx: Context, kind: SessionKind): Promise<number> {
      const k = keys(ctx, kind);
      const states = await Promise.all(limits.map(async (l) => ({ l, res: await l.limiter.get(k[l.per]) })));
      const over = states
        .filter(({ l, res }) => res !== null && res.consumedPoints >= l.failures)
        .map(({ res }) => res as RateLimiterRes);
      return over.length === 0 ? 0 : Math.ceil(Math.max(...over.map((r) => r.msBeforeNext)) / 1000);
    },
    async failed(ctx: Context, kind: SessionKind): Promise<void> {
      const k = keys(ctx, kind);
      await Promise.all(limits.map((l) => l.limiter.penalty(k[l.per], 1)));
    },
    async succeeded(ctx: Context, kind: SessionKind): Promise<void> {
      const k = keys(ctx, kind);
      await Promise.all(limits.filter((l) => l.per === 'pair').map((l) => l.limiter.delete(k[l.per])));
    },
  };
}
export type SignInThrottle = ReturnType<typeof signInThrottle>;

/** Turns failures below into an error page (never the JSON envelope, never a stack trace). */
export function errorPage(
  renderError: (ctx: Context, status: number, message: string) => void,
  log: { error(obj: object, msg: string): void },
): Middleware {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) renderError(ctx, 404, 'There is no such page.');
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        ctx.state['errorCode'] = err.code;
        renderError(ctx, err.status, err.message);
        return;
      }
      ctx.state['errorCode'] = 'internal_error';
      log.error({ err, requestId: ctx.state['requestId'] as unknown, path: ctx.path }, 'page failed');
      renderError(
        ctx,
        500,
        `Something went wrong on our side (request ${String(ctx.state['requestId'] ?? '')}).`,
      );
    }
  };
}

/**
 * The id in a path parameter (or, with `query`, an optional query parameter) of a page: plain
 * digits only (parseId), or the page answers 422: `0xd`, `13e0`, `+13`, `13.0` never reach a
 * reseller.
 */
export function idFrom(ctx: Context, name: string): number;
export function idFrom(ctx: Context, name: string, from: 'query'): number | undefined;
export function idFrom(ctx: Context, name: string, from: 'params' | 'query' = 'params'): number | undefined {
  const raw: unknown =
    from === 'params' ? (ctx as Context & { params: Record<string, string> }).params[name] : ctx.query[name];
  if (from === 'query' && (raw === undefined || raw === '')) return undefined;
  const id = parseId(raw);
  if (id === null)
    throw new AppError(
      422,
      'invalid_id',
      `The ${name} id must be a positive whole number in plain digits (e.g. 13).`,
    );
  return id;
}

/** Business refusals (4xx) become the form's errors; anything else goes on to the error page. */
export async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: T } | { error: AppError }> {
  try {
    return { ok: await fn() };
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return { error: err };
    throw err;
  }
}
