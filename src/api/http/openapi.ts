import type { Router } from '@koa/router';
import { z } from 'zod';
import { EVENT_SCHEMAS, eventEnvelope } from '../../webhooks/events';
import { type Answer, type Answers, COMMON_ERRORS } from './answers';
import type { AppState } from './context';
import type { SurfaceRouters } from '../surfaces';

type JsonSchema = Record<string, unknown>;

export interface Operation {
  method: string;
  path: string;
  schema?: z.ZodType;
  /** The ability `requireAbility()` demands, when the route has one. */
  ability?: string;
  /** What it answers (`answers()`). */
  answers?: Answers;
}

/** Routes of a router, with the request schema its `validate()` (or `documented()`) middleware carries. */
export function routesOf(router: Router<AppState>, prefix = ''): Operation[] {
  const out: Operation[] = [];
  for (const layer of router.stack) {
    const schema = layer.stack.map((mw) => (mw as { schema?: z.ZodType }).schema).find(Boolean);
    const ability = layer.stack.map((mw) => (mw as { ability?: string }).ability).find(Boolean);
    const answered = layer.stack.map((mw) => (mw as { answers?: Answers }).answers).find(Boolean);
    for (const method of layer.methods) {
      if (method === 'HEAD') continue;
      out.push({
        method: method.toLowerCase(),
        path: `${prefix}${String(layer.path)}`,
        ...(schema ? { schema } : {}),
        ...(ability ? { ability } : {}),
        ...(answered ? { answers: answered } : {}),
      });
    }
  }
  return out;
}

/** Refs to the presented objects (schemas with a `meta({ id })`) point into components.schemas. */
function toComponentRefs(json: JsonSchema): JsonSchema {
  const text = JSON.stringify(json).replace(/"#\/\$defs\/([A-Za-z0-9_]+)"/g, '"#/components/schemas/$1"');
  const out = JSON.parse(text) as JsonSchema;
  delete out['$defs'];
  delete out['$schema'];
  return out;
}

const toJson = (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema =>
  toComponentRefs(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema);

/** The presented objects, once each, for `components.schemas`. */
function presentedSchemas(): Record<string, JsonSchema> {
  const all = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(all.schemas).map(([id, schema]) => [id, toComponentRefs(schema)]));
}

const legacyMeta = {
  type: 'object',
  required: ['balance_before', 'balance_after', 'currency'],
  properties: {
    balance_before: { type: 'string' },
    balance_after: { type: 'string' },
    currency: { type: 'string' },
  },
  description: 'Billable actions: the available balance before and after (on refusals too).',
};

const envelope = {
  legacySuccess: {
    type: 'object',
    required: ['status', 'message', 'data'],
    additionalProperties: false,
    properties: { status: { const: 'success' }, message: { type: 'string' }, data: {}, meta: legacyMeta },
  },
  legacyFailure: {
    type: 'object',
    required: ['status', 'message', 'code', 'data'],
    additionalProperties: false,
    properties: {
      status: { const: 'error' },
      message: { type: 'string' },
      code: { type: 'string' },
      errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      request_id: { type: 'string' },
      data: { type: 'null' },
      meta: legacyMeta,
    },
  },
  failure: {
    type: 'object',
    required: ['success', 'message', 'code'],
    additionalProperties: false,
    properties: {
      success: { const: false },
      message: { type: 'string' },
      code: { type: 'string' },
      errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      request_id: { type: 'string' },
    },
  },
};

function operationFor(
  op: Operation,
  surface: { tag: string; security: Array<Record<string, string[]>> },
): Record<string, unknown> {
  const parameters: Array<Record<string, unknown>> = [];
  let requestBody: Record<string, unknown> | undefined;
  const pathParams = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const props = op.schema ? ((toJson(op.schema)['properties'] ?? {}) as Record<string, JsonSchema>) : {};
  for (const name of pathParams) {
    const p = ((props['params']?.['properties'] ?? {}) as Record<string, JsonSchema>)[name] ?? {
      type: 'string',
    };
    parameters.push({ name, in: 'path', required: true, schema: p });
  }
  const query = props['query'];
  if (query) {
    const required = new Set((query['required'] as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query['properties'] ?? {}) as Record<string, JsonSchema>)) {
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  if (props['body']) {
    requestBody = {
      required: true,
      content: {
        'application/json': { schema: props['body'] },
        'application/x-www-form-urlencoded': { schema: props['body'] },
      },
    };
  } else if (op.schema && !props['params'] && !props['query']) {
    requestBody = { required: true, content: { 'application/json': { schema: toJson(op.schema) } } };
  }
  if (['post', 'put', 'patch'].includes(op.method) && surface.tag !== 'payment callbacks') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: surface.tag === 'reseller v1 (seed 000)',
      schema: { type: 'string', maxLength: 255 },
      description:
        'Same key + same request → the first response replayed; other request → 422; in flight → 409.',
    });
  }
  return {
    tags: [surface.tag],
    operationId: `${op.method}_${op.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    security: surface.security,
    responses: responsesFor(op, surface.tag === 'legacy action API' ? 'legacy' : 'standard'),
  };
}

/** The envelope around `data` on success, and the failure envelope with the route's codes. */
function responsesFor(op: Operation, envelope: 'standard' | 'legacy'): Record<string, unknown> {
  const codes = [...new Set([...COMMON_ERRORS, ...(op.answers?.errors ?? [])])].sort();
  const failure = {
    description: 'Refused or failed: `code` is one of the listed values (field errors under `errors`).',
    content: {
      'application/json': {
        schema: {
          allOf: [
            {
              $ref:
                envelope === 'legacy' ? '#/components/schemas/LegacyFailure' : '#/components/schemas/Failure',
            },
            { type: 'object', properties: { code: { enum: codes } } },
          ],
        },
      },
    },
  };
  const out: Record<string, unknown> = {};
  const ok: Record<string, Answer | 'any'> = op.answers?.ok ?? { 200: 'any' };
  for (const [status, answer] of Object.entries(ok)) {
    if (answer === 'csv') {
      out[status] = {
        description: 'A CSV download.',
        content: { 'text/csv': { schema: { type: 'string' } } },
      };
      continue;
    }
    if (answer === 'zip') {
      out[status] = {
        description: 'A zip archive download.',
        content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
      };
      continue;
    }
    const data = answer === 'any' || answer === 'legacy' ? {} : toJson(answer, 'output');
    out[status] = {
      description: status === '202' ? 'Accepted; still in progress.' : status === '201' ? 'Created.' : 'OK.',
      content: {
        'application/json': {
          schema:
            envelope === 'legacy'
              ? { $ref: '#/components/schemas/LegacySuccess' }
              : {
                  type: 'object',
                  required: ['success', 'message', 'data'],
                  additionalProperties: false,
                  properties: { success: { const: true }, message: { type: 'string' }, data },
                },
        },
      },
    };
  }
  out['default'] = failure;
  return out;
}

/** The OpenAPI 3.1 document of every surface, generated from the routers and their zod schemas. */
export function buildOpenApi(routers: SurfaceRouters, serverUrl = '/'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (ops: Operation[], surface: { tag: string; security: Array<Record<string, string[]>> }) => {
    for (const op of ops) {
      const path = op.path.replace(/:(\w+)/g, '{$1}');
      (paths[path] ??= {})[op.method] = operationFor(op, surface);
    }
  };
  add(
    routers.v1.flatMap((r) => routesOf(r, '/api/v1')),
    { tag: 'native v1 (seed 003)', security: [{ ApiKey: [] }, { Bearer: [] }] },
  );
  add(
    routers.resellerV1.flatMap((r) => routesOf(r, '/api/reseller/v1')),
    { tag: 'reseller v1 (seed 000)', security: [{ Bearer: [] }] },
  );
  add(
    routers.admin.flatMap((r) => routesOf(r, '/api/admin/v1')),
    { tag: 'admin v1 (operators)', security: [{ AdminBearer: [] }] },
  );
  add(routesOf(routers.legacy), {
    tag: 'legacy action API',
    security: [{ ApiKey: [] }, { LegacyBodyKey: [] }],
  });
  add(routesOf(routers.callbacks), { tag: 'payment callbacks', security: [] });

  return {
    openapi: '3.1.0',
    info: {
      title: 'domain-reseller API',
      version: '0.1.0',
      description:
        'Native API (/api/v1), reseller order/invoice API (/api/reseller/v1), operator API (/api/admin/v1), legacy action API (/api/index.php), payment callbacks and outbound webhooks.',
    },
    servers: [{ url: serverUrl }],
    paths,
    webhooks: Object.fromEntries(
      (Object.keys(EVENT_SCHEMAS) as Array<keyof typeof EVENT_SCHEMAS>).map((type) => [
        type,
        {
          post: {
            summary: `${type} (signed: X-Webhook-Signature sha256=hmac(timestamp.body); Standard Webhooks headers too)`,
            requestBody: {
              content: { 'application/json': { schema: toJson(eventEnvelope(type, EVENT_SCHEMAS[type])) } },
            },
            responses: { '200': { description: 'Any 2xx acknowledges; 410 disables the endpoint.' } },
          },
        },
      ]),
    ),
    components: {
      schemas: {
        ...presentedSchemas(),
        Failure: envelope.failure,
        LegacySuccess: envelope.legacySuccess,
        LegacyFailure: envelope.legacyFailure,
      },
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
        Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'drk_…' },
        AdminBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'dat_…' },
        LegacyBodyKey: { type: 'apiKey', in: 'query', name: 'api_key' },
      },
    },
  };
}
