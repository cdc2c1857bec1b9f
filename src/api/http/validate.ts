import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { AppState } from './context';

/** What a route's schema sees: path params, query string and body, each an object. */
export interface RawInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/**
 * Validates a request against the schema that sits next to its route and stores the typed
 * result; a failure is a ZodError, which the error middleware answers with 422 and field errors.
 */
export function validate<S extends z.ZodType>(schema: S): Middleware<AppState> & { schema: S } {
  const middleware: Middleware<AppState> = async (ctx, next) => {
    const body = (ctx.request as { body?: unknown }).body;
    const raw: RawInput = {
      params: (ctx as { params?: Record<string, string> }).params ?? {},
      query: ctx.query,
      body:
        body !== null && typeof body === 'object' && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : {},
    };
    ctx.state.input = await schema.parseAsync(raw);
    await next();
  };
  // The OpenAPI document is generated from these: the schema that validates is the one documented.
  return Object.assign(middleware, { schema });
}

/** Attaches a request schema to a handler for the OpenAPI document without validating with it. */
export function documented<M extends object>(schema: z.ZodType, handler: M): M & { schema: z.ZodType } {
  return Object.assign(handler, { schema });
}

/** The typed input that `validate(schema)` stored. */
export function input<S extends z.ZodType>(ctx: { state: AppState }, _schema: S): z.infer<S> {
  return ctx.state.input as z.infer<S>;
}
