import parse from 'co-body';
import type { Middleware } from 'koa';

const PARSED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Options for qs: `domains[]=a&domains[]=b` is an array up to 1000 items (bulk search sends 100). */
const QUERY_STRING = { arrayLimit: 1000, parameterLimit: 2000, depth: 5, allowPrototypes: false };

/**
 * JSON and form bodies (co-body). The parsed body lands on `ctx.request.body`; the raw text on
 * `ctx.request.rawBody`, for signature checks. Other content types are left unparsed.
 */
export function parseBody(limit: string): Middleware {
  return async (ctx, next) => {
    const request = ctx.request as typeof ctx.request & { body?: unknown; rawBody?: string };
    if (PARSED_METHODS.has(ctx.method)) {
      if (ctx.request.is('json', '+json')) {
        const res = (await parse.json(ctx, { limit, strict: true, returnRawBody: true })) as {
          parsed: unknown;
          raw: string;
        };
        request.body = res.parsed;
        request.rawBody = res.raw;
      } else if (ctx.request.is('urlencoded')) {
        const res = (await parse.form(ctx, { limit, returnRawBody: true, queryString: QUERY_STRING })) as {
          parsed: unknown;
          raw: string;
        };
        request.body = res.parsed;
        request.rawBody = res.raw;
      }
    }
    await next();
  };
}
