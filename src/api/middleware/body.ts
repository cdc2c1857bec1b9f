import busboy from 'busboy';
import parse from 'co-body';
import type { Context, Middleware } from 'koa';
import { AppError } from '../../services/errors';

const PARSED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Options for qs: `domains[]=a&domains[]=b` is an array up to 1000 items (bulk search sends 100). */
const QUERY_STRING = { arrayLimit: 1000, parameterLimit: 2000, depth: 5, allowPrototypes: false };

/**
 * JSON and form bodies (co-body), and multipart forms (busboy: a page's file upload, its
 * files read as UTF-8 text under their field names). The parsed body lands on
 * `ctx.request.body`; the raw text on `ctx.request.rawBody`, for signature checks. Other content
 * types are left unparsed.
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
      } else if (ctx.request.is('multipart')) {
        request.body = await multipart(ctx, limitBytes(limit));
      }
    }
    await next();
  };
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `512kb`, `1mb` (BODY_LIMIT's format) in bytes. */
function limitBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(limit);
  return m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : 1024 * 1024;
}

/** A multipart form's fields and files (as text), within `maxBytes` in all: 413 beyond it. */
function multipart(ctx: Context, maxBytes: number): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let total = 0;
    const tooLarge = () =>
      new AppError(413, 'payload_too_large', 'The upload is larger than this server accepts.');
    const bb = busboy({ headers: ctx.req.headers, limits: { fileSize: maxBytes, files: 4, fields: 50 } });
    bb.on('field', (name, value) => {
      total += value.length;
      fields[name] = value;
    });
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        total += c.length;
        chunks.push(c);
      });
      stream.on('limit', () => reject(tooLarge()));
      stream.on('end', () => {
        fields[name] = Buffer.concat(chunks).toString('utf8');
      });
    });
    bb.on('error', (err) =>
      reject(new AppError(400, 'invalid_body', `The form could not be read: ${(err as Error).message}`)),
    );
    bb.on('close', () => (total > maxBytes ? reject(tooLarge()) : resolve(fields)));
    ctx.req.pipe(bb);
  });
}
