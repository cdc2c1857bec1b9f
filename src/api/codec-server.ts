import cors from '@koa/cors';
import { Router } from '@koa/router';
import type { Payload } from '@temporalio/common';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { z } from 'zod';
import { AppError, unauthenticated } from '../services/errors';
import { loadSession, SESSION_COOKIES } from '../services/sessions';
import { payloadKeysOf } from '../temporal/data-converter';
import { EncryptionCodec, PayloadKeyError } from '../temporal/payload-codec';
import type { AppContext, AppDeps, AppState } from './http/context';
import { requireAbility } from './middleware/auth';
import { input, validate } from './http/validate';

/** Where the codec server answers: below the console's path, so the console's cookie reaches it. */
export const CODEC_PATH = '/console/codec';

/*
 * The codec server (Temporal's remote codec protocol: POST {endpoint}/decode and /encode, a body
 * of `{"payloads":[{"metadata":{…base64},"data":base64}]}` answered in the same shape) for
 * operators only. The Temporal UI calls it from the operator's browser with the console's session
 * cookie (its codec setting `includeCredentials`), so its origin is allowed with credentials
 * (CODEC_ALLOWED_ORIGINS); the `temporal` CLI calls it with an admin token
 * (`--codec-auth "Bearer dat_…"`). Anyone else gets 401 and the UI shows ciphertext.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Request = z.object({
  body: z.object({
    payloads: z
      .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
      .max(1000)
      // The Go clients (the temporal CLI) send `{}` for no payloads (proto3 JSON leaves out an empty list).
      .default([]),
  }),
});
type JsonPayload = z.infer<typeof Request>['body']['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** The origins allowed to call from a browser: CODEC_ALLOWED_ORIGINS, else the Temporal UI's. */
export function codecOrigins(config: AppDeps['config']): string[] {
  const listed = config.CODEC_ALLOWED_ORIGINS;
  return listed.length > 0 ? listed : [new URL(config.TEMPORAL_UI_URL).origin];
}

/**
 * Operators only: an admin token with `admin.read` when an Authorization header is given (the
 * CLI), else a signed-in console session (the UI in the operator's browser).
 */
function operatorOnly(deps: AppDeps, tokenAuth: Middleware<AppState>): Middleware<AppState> {
  const withToken = compose([tokenAuth, requireAbility('admin.read')] as Array<Middleware<AppState>>);
  return async (ctx: AppContext, next) => {
    if (ctx.get('Authorization')) return withToken(ctx, next);
    const session = await loadSession(deps.db, ctx.cookies.get(SESSION_COOKIES.admin));
    if (session?.kind !== 'admin')
      throw unauthenticated('Sign in to the operator console, or give an admin token.', 'unauthenticated');
    await next();
  };
}

export function createCodecServer(deps: AppDeps, tokenAuth: Middleware<AppState>): Middleware<AppState> {
  const codec = new EncryptionCodec(payloadKeysOf(deps.config));
  const allowed = new Set(codecOrigins(deps.config));
  const router = new Router<AppState>({ prefix: CODEC_PATH });
  const run = (op: 'encode' | 'decode') => async (ctx: AppContext) => {
    const { payloads } = input(ctx, Request).body;
    try {
      const out = await codec[op](payloads.map(fromJson));
      ctx.body = { payloads: out.map(toJson) };
    } catch (err) {
      if (err instanceof PayloadKeyError) throw new AppError(422, 'payload_unreadable', err.message);
      throw err;
    }
  };
  router.post('/encode', validate(Request), run('encode'));
  router.post('/decode', validate(Request), run('decode'));
  const chain = compose([
    cors({
      origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      credentials: true,
      allowMethods: ['POST'],
      allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization'],
      maxAge: 600,
    }),
    operatorOnly(deps, tokenAuth),
    router.routes(),
    router.allowedMethods({ throw: true }),
  ] as Array<Middleware<AppState>>) as Middleware<AppState>;
  return async (ctx, next) => {
    if (ctx.path === CODEC_PATH || ctx.path.startsWith(`${CODEC_PATH}/`)) await chain(ctx, next);
    else await next();
  };
}
