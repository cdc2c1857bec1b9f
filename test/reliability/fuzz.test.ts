import fc from 'fast-check';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surfaceRouters } from '../../src/api/surfaces';
import { type Operation, routesOf } from '../../src/api/http/openapi';
import { LEGACY_ACTIONS } from '../../src/api/legacy/legacy.schema';
import { Domain } from '../../src/db/models';
import { createLogger } from '../../src/logger';
import { checkAnswer } from '../contract';
import {
  makeAdmin,
  makeReseller,
  startTestApi,
  testAppDeps,
  testDb,
  type TestAdmin,
  type TestApi,
  type TestReseller,
} from '../helpers';

/** `FUZZ_RUNS` requests (10,000 in `npm run test:reliability`; fewer in `npm test`). */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1500);

let db: Knex;
let api: TestApi;
let ops: Operation[];
let a: TestReseller;
let b: TestReseller;
let admin: TestAdmin;
const B_DOMAIN = `private-b-${Date.now()}.com`;
/** An EPP code sent only in the fields that carry one: it must never be logged or stored. */
const EPP_CODE = `Ep9x${Math.random().toString(36).slice(2, 12)}Q`;
/** What the API prints (stdout in production), captured from the production logger at trace level. */
const printed: string[] = [];

beforeAll(async () => {
  db = testDb();
  const log = createLogger(
    { LOG_LEVEL: 'trace', LOG_PRETTY: false, NODE_ENV: 'test' },
    { write: (line: string) => void printed.push(line) },
  );
  api = await startTestApi(
    db,
    {
      RATE_LIMIT_UNAUTHENTICATED_POINTS: '1000000',
      RATE_LIMIT_POINTS: '1000000',
      ORDER_ACCEPT_WAIT_MS: '0',
      // No worker runs here: a request that needs the workflow engine's answer gets 503 after 1 s.
      WORKFLOW_ANSWER_TIMEOUT_MS: '1000',
    },
    { log },
  );
  const deps = testAppDeps(db);
  const routers = surfaceRouters(deps);
  ops = [
    ...routers.v1.flatMap((r) => routesOf(r, '/api/v1')),
    ...routers.resellerV1.flatMap((r) => routesOf(r, '/api/reseller/v1')),
    ...routers.admin.flatMap((r) => routesOf(r, '/api/admin/v1')),
    ...routesOf(routers.legacy),
    ...routesOf(routers.callbacks),
  ];
  await deps.temporal.connection.close();
  a = await makeReseller(db);
  b = await makeReseller(db);
  admin = await makeAdmin(db);
  await Domain.query(db).insert({ resellerId: b.id, name: B_DOMAIN });
});

afterAll(async () => {
  // Workflows the fuzzed requests started (no worker ran them) must not outlive this file.
  const running = api.temporal.workflow.list({
    query: `ResellerId IN ('${a.id}', '${b.id}') AND ExecutionStatus = 'Running'`,
  });
  for await (const wf of running) {
    await api.temporal.workflow
      .getHandle(wf.workflowId, wf.runId)
      .terminate('fuzz test cleanup')
      .catch(() => undefined);
  }
  await api.close();
  await db.destroy();
});

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE orders; --',
    '{"$ne": null}',
    '../../etc/passwd',
    'bücher.com',
    'xn--bcher-kva.com',
    '例え.テスト',
    '%00',
    '<script>alert(1)</script>',
    B_DOMAIN,
    '__proto__',
    '1e309',
    '-1',
    '99999999999999999999999',
  ),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'domain_name',
      'domain',
      'domains',
      'period',
      'years',
      'nameservers',
      'registrant',
      'type',
      'name',
      'value',
      'ttl',
      'action',
      'domainName',
      'amount',
      'url',
      'events',
      'locked',
      'enabled',
      'confirm',
      'records',
      'api_key',
      'ips',
      'abilities',
      'grace_seconds',
      'prefix',
      'expires_at',
      'direction',
      'reason',
      'prices',
      'csv',
      'margin',
      'markup',
      'currency',
      'tlds',
      'email',
      'dry_run',
    ),
    fc.oneof(
      nasty,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(nasty, { maxLength: 5 }),
      fc.constantFrom(...LEGACY_ACTIONS),
    ),
  ),
);

/** Half of the object bodies also carry the EPP code in every field name that holds one. */
const withEpp = fc
  .tuple(jsonValue, fc.boolean())
  .map(([v, add]) =>
    add && v !== null && typeof v === 'object' && !Array.isArray(v)
      ? { ...v, auth_code: EPP_CODE, authCode: EPP_CODE, epp_code: EPP_CODE, eppCode: EPP_CODE }
      : v,
  );

const body = fc.oneof(
  withEpp.map((v) => ({ type: 'application/json', text: JSON.stringify(v) })),
  fc.string().map((s) => ({ type: 'application/json', text: `{${s}` })),
  fc.dictionary(fc.string({ maxLength: 10 }), nasty).map((d) => ({
    type: 'application/x-www-form-urlencoded',
    text: new URLSearchParams(d).toString(),
  })),
  fc.constant({ type: 'text/plain', text: 'hello' }),
);

describe('fuzzing every endpoint of every surface', () => {
  it(
    `answers ${RUNS} generated requests without a 500, always in the surface's envelope, never with another reseller's data`,
    { timeout: 600_000 },
    async () => {
      let count = 0;
      const startedAt = new Date();
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: 10_000 }),
          fc.array(nasty, { minLength: 3, maxLength: 3 }),
          body,
          fc.constantFrom('apikey', 'bearer', 'none', 'b-bearer', 'query', 'admin'),
          async (which, params, payload, auth) => {
            const op = ops[which % ops.length]!;
            let i = 0;
            const path = op.path.replace(/:(\w+)/g, () =>
              encodeURIComponent(params[i++ % 3]!).slice(0, 3000),
            );
            const headers: Record<string, string> = { 'Content-Type': payload.type };
            if (auth === 'apikey') headers['X-API-KEY'] = a.apiKey;
            if (auth === 'bearer') headers['Authorization'] = `Bearer ${a.token}`;
            if (auth === 'b-bearer') headers['Authorization'] = `Bearer ${b.token}`;
            if (auth === 'admin') headers['Authorization'] = `Bearer ${admin.token}`;
            // The legacy surface also takes the key in the query string (and so must never log it).
            const query = auth === 'query' ? `?api_key=${encodeURIComponent(a.apiKey)}` : '';
            const res = await fetch(`${api.url}${path}${query}`, {
              method: op.method.toUpperCase(),
              headers,
              ...(op.method === 'get' ? {} : { body: payload.text }),
            });
            const text = await res.text();
            count += 1;
            // Whatever came back is what the document says this route answers.
            await checkAnswer(`${api.url}${path}${query}`, op.method, {
              status: res.status,
              headers: res.headers,
              text,
            });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            expect(res.status, `${op.method} ${path}: ${text.slice(0, 300)}`).not.toBe(500);
            // Downloads (catalog export, statements as CSV) are CSV, not an envelope.
            if (res.ok && (res.headers.get('content-type') ?? '').startsWith('text/csv')) return;
            const parsed = JSON.parse(text) as Record<string, unknown>;
            if (op.path === '/api/index.php') expect(['success', 'error']).toContain(parsed['status']);
            else expect(typeof parsed['success'], `${op.method} ${path}`).toBe('boolean');
            if (parsed['success'] === false || parsed['status'] === 'error')
              expect(typeof parsed['code']).toBe('string');
            // Only b, and operators, may see b's domain (a's request log may hold a's own requests naming it).
            if (auth !== 'b-bearer' && auth !== 'admin' && !op.path.includes('/account/api-logs'))
              expect(text).not.toContain(B_DOMAIN.slice(0, -4) + '.com"');
          },
        ),
        { numRuns: RUNS },
      );
      console.log(
        `fuzz: ${count} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}`,
      );
      // Every request left its row, and no row anywhere holds a key, a token or the EPP code:
      // Postgres searches all of api_logs' text for each secret.
      await api.flushLogs();
      const logged = Number(
        (
          (
            await db('api_logs').where('createdAt', '>=', startedAt).count<{ count: string }[]>('* as count')
          )[0] as { count: string }
        ).count,
      );
      expect(logged).toBeGreaterThanOrEqual(count);
      const secrets = [a.apiKey, a.token, b.apiKey, b.token, admin.token, EPP_CODE];
      for (const secret of secrets) {
        const hits = (await db.raw(
          `SELECT count(*)::int AS n FROM api_logs
           WHERE strpos(concat_ws(' ', path, request_headers::text, request_query::text,
                                  request_body::text, response_body::text), ?) > 0`,
          [secret],
        )) as { rows: Array<{ n: number }> };
        expect(hits.rows[0]!.n, `api_logs rows holding ${secret.slice(0, 8)}…`).toBe(0);
      }
      // Nor any credential at all, such as one a fuzzed request issued (shown once, never stored).
      const minted = (await db.raw(
        `SELECT count(*)::int AS n FROM api_logs
         WHERE concat_ws(' ', path, request_headers::text, request_query::text, request_body::text, response_body::text)
               ~ '(drk|dak|dat)_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}'`,
      )) as { rows: Array<{ n: number }> };
      expect(minted.rows[0]!.n, 'api_logs rows holding a credential').toBe(0);
      // And nothing the API printed (at trace level) holds one either.
      const stdout = printed.join('');
      expect(printed.length).toBeGreaterThanOrEqual(count);
      for (const secret of secrets) expect(stdout.includes(secret), secret.slice(0, 8)).toBe(false);
      console.log(
        `fuzz: scanned ${logged} api_logs rows and ${printed.length} log lines for ${secrets.length} secrets: none found`,
      );
    },
  );
});
