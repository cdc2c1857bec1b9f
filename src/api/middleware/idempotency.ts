import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { IdempotencyRecordRow } from '../../db/models';
import type { Middleware } from 'koa';
import type { AppState } from '../http/context';
import { AppError, badRequest, unprocessable } from '../../services/errors';
import { failureBody } from './error-handler';

const KEY_RE = /^[\x21-\x7e]{1,255}$/;
const TTL_HOURS = 24;
/** An in-flight record older than this belongs to a request that died; the key may be taken over. */
const STALE_IN_FLIGHT_MS = 60_000;

/** Reads `Idempotency-Key`, accepting the RFC 8941 quoted-string form of the IETF draft. */
export function readIdempotencyKey(header: string): string | null {
  if (header === '') return null;
  const unquoted = /^"(.*)"$/.exec(header.trim())?.[1] ?? header.trim();
  if (!KEY_RE.test(unquoted))
    throw badRequest(
      'idempotency_key_invalid',
      'The Idempotency-Key must be 1 to 255 visible ASCII characters.',
    );
  return unquoted;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method, path, canonical(body ?? {})]))
    .digest('hex');
}

/**
 * Idempotency-Key for mutations (IETF draft semantics, keys scoped per reseller, kept 24 h):
 * same key and body → the first response replayed (status and body); same key, other body →
 * 422; same key while the first is in flight → 409; no key → 400 when `required`. Responses
 * of 5xx are not stored, so such a request can be retried with the same key.
 */
export function idempotency(db: Knex, opts: { required: boolean }): Middleware<AppState> {
  return async (ctx, next) => {
    const key = readIdempotencyKey(ctx.get('Idempotency-Key'));
    if (!key) {
      if (opts.required) {
        throw badRequest(
          'idempotency_key_missing',
          'The Idempotency-Key header is required for this request.',
        );
      }
      await next();
      return;
    }
    const owner = ctx.state.auth
      ? `reseller:${ctx.state.auth.reseller.id}`
      : ctx.state.admin
        ? `admin:${ctx.state.admin.admin.id}`
        : undefined;
    if (!owner) throw new Error('idempotency before authentication');
    const resellerId = ctx.state.auth?.reseller.id ?? null;
    ctx.state.idempotencyKey = key;
    const requestHash = requestFingerprint(ctx.method, ctx.path, (ctx.request as { body?: unknown }).body);

    const claimed = await db.transaction(async (trx) => {
      const now = Date.now();
      // Claim the key; when it exists already, lock and read the holder instead.
      const inserted = (await trx('idempotencyRecords')
        .insert({
          owner,
          resellerId,
          key,
          scope: `${ctx.method} ${ctx.path}`,
          requestHash,
          state: 'in_flight',
          expiresAt: new Date(now + TTL_HOURS * 3600_000),
        })
        .onConflict(['owner', 'key'])
        .ignore()
        .returning('id')) as unknown[];
      if (inserted.length > 0) return null;
      const existing = (await trx('idempotencyRecords')
        .where({ owner, key })
        .forUpdate()
        .first()) as IdempotencyRecordRow;
      if (existing.expiresAt.getTime() <= now) {
        // Expired: the key is free again.
        await trx('idempotencyRecords')
          .where({ id: existing.id })
          .update({
            requestHash,
            state: 'in_flight',
            responseStatus: null,
            responseBody: null,
            responseText: null,
            responseHeaders: null,
            createdAt: trx.fn.now(),
            expiresAt: new Date(now + TTL_HOURS * 3600_000),
          });
        return null;
      }
      if (existing.requestHash !== requestHash) {
        throw unprocessable(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request.',
        );
      }
      if (existing.state === 'completed') return existing;
      // (The claim's time is the database's, `now` this process's: a claim made while this request
      // waited can read as younger than zero.)
      const age = Math.max(0, now - existing.createdAt.getTime());
      if (age < STALE_IN_FLIGHT_MS) {
        // Retry-After: when the claim would be taken over, had its request died.
        throw new AppError(
          409,
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being processed.',
          undefined,
          { 'Retry-After': String(Math.max(1, Math.ceil((STALE_IN_FLIGHT_MS - age) / 1000))) },
        );
      }
      // A stale claim: the first request died. Take it over (the work itself is keyed too).
      await trx('idempotencyRecords').where({ id: existing.id }).update({ createdAt: trx.fn.now() });
      return null;
    });

    if (claimed) {
      ctx.status = claimed.responseStatus ?? 200;
      for (const [name, value] of Object.entries(claimed.responseHeaders ?? {})) ctx.set(name, value);
      ctx.set('Idempotent-Replayed', 'true');
      if (claimed.responseText !== null) {
        ctx.type = 'application/json';
        ctx.body = claimed.responseText;
      } else {
        ctx.body = claimed.responseBody;
      }
      return;
    }

    const release = () => db('idempotencyRecords').where({ owner, key, state: 'in_flight' }).del();
    // Koa sends an object body as JSON.stringify(body): the same bytes are kept for replay.
    const store = (status: number, body: unknown, headers: Record<string, string>) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return db('idempotencyRecords').where({ owner, key }).update({
        state: 'completed',
        responseStatus: status,
        responseText: text,
        responseHeaders: headers,
      });
    };

    try {
      await next();
    } catch (err) {
      // Business answers (4xx) are final results and replayed; anything else frees the key.
      if (err instanceof AppError && err.status < 500 && err.status !== 409 && err.status !== 429) {
        await store(err.status, failureBody(ctx.state, err), {});
      } else {
        await release();
      }
      throw err;
    }
    if (ctx.status >= 500) {
      await release();
      return;
    }
    const location = ctx.response.get('Location');
    await store(ctx.status, ctx.body, location ? { Location: location } : {});
  };
}
