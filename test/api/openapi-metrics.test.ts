import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surfaceRouters } from '../../src/api/surfaces';
import { routesOf } from '../../src/api/http/openapi';
import { call, makeReseller, startTestApi, testAppDeps, testDb, type TestApi } from '../helpers';

let db: Knex;
let api: TestApi;

beforeAll(async () => {
  db = testDb();
  api = await startTestApi(db);
});

afterAll(async () => {
  await api.close();
  await db.destroy();
});

describe('OpenAPI document and docs page', () => {
  it('is a valid OpenAPI 3.1 document that lists every route the app registers', async () => {
    const res = await fetch(`${api.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      webhooks: Record<string, unknown>;
    };
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<typeof validator.validate>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');

    // Every route of every mounted router, by method and path.
    const deps = testAppDeps(db);
    const routers = surfaceRouters(deps);
    await deps.temporal.connection.close();
    const expected = [
      ...routers.v1.flatMap((r) => routesOf(r, '/api/v1')),
      ...routers.resellerV1.flatMap((r) => routesOf(r, '/api/reseller/v1')),
      ...routers.admin.flatMap((r) => routesOf(r, '/api/admin/v1')),
      ...routesOf(routers.legacy),
      ...routesOf(routers.callbacks),
    ];
    expect(expected.length).toBeGreaterThan(40);
    for (const op of expected) {
      const path = op.path.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[op.method], `${op.method.toUpperCase()} ${path}`).toBeDefined();
    }
    for (const path of [
      '/api/index.php',
      '/payments/webhooks/midtrans',
      '/payments/webhooks/xendit',
      '/api/v1/domains/register',
      '/api/reseller/v1/orders/register',
      '/api/admin/v1/resellers',
      '/api/admin/v1/review/orders/{order}/capture',
      '/api/reseller/v1/account/api-key/regenerate',
      '/api/v1/account/ip-whitelist',
      '/api/v1/domains/{domain}/hosts',
      '/api/v1/domains/{domain}/hosts/{host}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      [
        'bulk_job.completed',
        'domain.expiring',
        'domain.renewal_price_changed',
        'domain.order.completed',
        'domain.order.failed',
        'domain.order.processing',
        'invoice.paid',
        'webhook.test',
      ].sort(),
    );
  });

  it('documents request bodies from the zod schemas that validate them', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { properties?: Record<string, unknown>; required?: string[] } }
              >;
            };
          }
        >
      >;
    };
    const register =
      doc.paths['/api/v1/domains/register']!['post']!.requestBody!.content['application/json']!.schema;
    // The registrant comes inline or by its contact handle's ID: neither alone is required.
    expect(register.required).toEqual(['domain_name']);
    expect(Object.keys(register.properties ?? {})).toEqual(
      expect.arrayContaining([
        'domain_name',
        'period',
        'nameservers',
        'registrant',
        'registrant_contact_id',
        'admin',
        'admin_contact_id',
      ]),
    );
    const midtrans =
      doc.paths['/payments/webhooks/midtrans']!['post']!.requestBody!.content['application/json']!.schema;
    expect(midtrans.required).toEqual(
      expect.arrayContaining(['order_id', 'status_code', 'gross_amount', 'signature_key']),
    );
  });

  it('serves a docs page whose assets come from the app itself (no CDN)', async () => {
    const page = await fetch(`${api.url}/docs`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of [
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui.css',
      '/docs/init.js',
    ]) {
      expect(html.includes(asset) || asset === '/docs/init.js').toBe(true);
      const res = await fetch(`${api.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(20);
    }
    expect((await fetch(`${api.url}/docs/assets/package.json`)).status).toBe(404);
  });
});

describe('metrics', () => {
  it('exposes HTTP counts and latency by route and status, and business gauges', async () => {
    const r = await makeReseller(db);
    await call(`${api.url}/api/v1/domains`, { headers: { 'X-API-KEY': r.apiKey } });
    await db('ledger_entries').insert({
      resellerId: r.id,
      kind: 'topup',
      status: 'posted',
      amountMinor: 500,
      currency: 'USD',
    });
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/domains",status="200"\} \d+/);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/domains",status="200"\}/,
    );
    expect(text).toContain('# TYPE orders gauge');
    expect(text).toContain('# TYPE webhook_deliveries gauge');
    expect(text).toContain('# TYPE ledger_holds_outstanding gauge');
    expect(text).toMatch(/api_log_rows\{state="queued"\} \d+/);
    expect(text).toContain('api_log_rows{state="dropped"} 0');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
