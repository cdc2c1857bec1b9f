import { taskQueues } from '../temporal/queues';
import { Router } from '@koa/router';
import Koa, { type Middleware } from 'koa';
import compose from 'koa-compose';
import { createApiMetrics } from '../metrics';
import type { AppContext, AppDeps, AppState } from './http/context';
import { createHealthRouter, type Lifecycle } from './health.routes';
import { LEGACY_PATH, legacyFailure } from './legacy/legacy.envelope';
import { surfaceRouters } from './surfaces';
import { createDocsRouter } from './docs.routes';
import { CODEC_PATH, createCodecServer } from './codec-server';
import { authenticate, type AuthOptions, type Known, rateLimit } from './middleware/auth';
import { CredentialCache } from '../auth/credential-cache';
import { createLimiters, type Limiters } from '../rate-limits';
import { connectionStringOf } from '../db/knex';
import { parseBody } from './middleware/body';
import { errorHandler } from './middleware/error-handler';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { ApiLogWriter } from './http/api-log-writer';

/** Authentication, the per-credential rate limit, then the router (with 405 for known paths). */
type Access = Pick<AuthOptions, 'accept' | 'ipPolicy'>;

/** What every surface shares: the credentials held in memory and the rate-limit counters. */
interface Shared {
  credentials: CredentialCache<Known>;
  limiters: Limiters;
}

function authenticateOn(deps: AppDeps, shared: Shared, name: string, access: Access): Middleware<AppState> {
  return authenticate(deps.db, {
    ...access,
    cache: shared.credentials,
    limiters: shared.limiters,
    name,
    failedAttemptsPerWindow: deps.config.RATE_LIMIT_UNAUTHENTICATED_POINTS,
    windowSeconds: deps.config.RATE_LIMIT_WINDOW_SECONDS,
  });
}

function guarded(
  deps: AppDeps,
  shared: Shared,
  name: string,
  access: Access,
  router: Router<AppState>,
): Middleware<AppState> {
  const { config } = deps;
  return compose<AppContext>([
    authenticateOn(deps, shared, name, access),
    rateLimit(
      shared.limiters.make(`credential:${name}`, config.RATE_LIMIT_POINTS, config.RATE_LIMIT_WINDOW_SECONDS),
      config.RATE_LIMIT_POINTS,
    ),
    router.routes(),
    router.allowedMethods({ throw: true }),
  ] as Array<Middleware<AppState>>) as Middleware<AppState>;
}

/**
 * One API surface under a path prefix: every request below the prefix is authenticated and
 * rate limited first (so unknown paths answer 401 before 404), then routed.
 */
function surface(
  deps: AppDeps,
  shared: Shared,
  prefix: string,
  access: Access,
  routers: Array<Router<AppState>>,
): Middleware<AppState> {
  const router = new Router<AppState>({ prefix });
  for (const r of routers) router.use(r.routes());
  const chain = guarded(deps, shared, prefix, access, router);
  return async (ctx, next) => {
    if (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`)) await chain(ctx, next);
    else await next();
  };
}

/**
 * The legacy action API (`POST /api/index.php`): API key from `X-API-KEY`, the body's `api_key`
 * or the query's `api_key`; IP allowlist and rate limits as on `/api/v1`.
 */
function legacySurface(deps: AppDeps, shared: Shared, router: Router<AppState>): Middleware<AppState> {
  const chain = compose<AppContext>([
    async (ctx, next) => {
      if (!ctx.get('X-API-KEY')) {
        const body = (ctx.request as { body?: Record<string, unknown> }).body;
        const fromBody = typeof body?.['api_key'] === 'string' ? body['api_key'] : undefined;
        const fromQuery = typeof ctx.query['api_key'] === 'string' ? ctx.query['api_key'] : undefined;
        const key = fromBody ?? fromQuery;
        if (key) ctx.request.headers['x-api-key'] = key;
      }
      await next();
    },
    guarded(deps, shared, LEGACY_PATH, { accept: ['api_key'], ipPolicy: 'reseller' }, router),
  ] as Array<Middleware<AppState>>);
  return async (ctx, next) => {
    if (ctx.path === LEGACY_PATH) await chain(ctx, next);
    else await next();
  };
}

/**
 * Builds the Koa app over its dependencies. Middleware order: request id, request log (outside,
 * so it sees the final status), the one error handler, body parsing, then the surfaces, each
 * with its authentication and per-credential rate limit.
 */
export type App = Koa<AppState> & {
  /** The app's api_logs writer: `close()` it after the server stops so queued rows are written. */
  apiLogs: ApiLogWriter;
  /** Credentials held in memory; `close()` it to stop listening for changes. */
  credentials: CredentialCache<Known>;
  /** The rate-limit counters; `close()` them (the Redis connection) after the server stops. */
  limiters: Limiters;
  /** Set `draining` on shutdown: `/readyz` answers 503 and every answer closes its connection. */
  lifecycle: Lifecycle;
};

/**
 * `pages`: the browser pages (the portal and console), mounted where they see the request id,
 * metrics, error handler and body parsing but not the API's authentication. The API does not
 * import them: the process that serves both (main-api.ts) hands them in.
 */
export function createApp(
  deps: AppDeps,
  opts: { pages?: (deps: AppDeps, limiters: Limiters) => Middleware } = {},
): App {
  const app = new Koa<AppState>({ proxy: deps.config.TRUST_PROXY });
  app.silent = true;
  const apiLogs = new ApiLogWriter(deps.db, deps.log);
  const credentials = new CredentialCache<Known>({
    ttlMs: deps.config.CREDENTIAL_CACHE_MS,
    connectionString: connectionStringOf(deps.db),
    log: deps.log,
  })
    .watch(deps.db)
    .start();
  const limiters = createLimiters(deps.config, deps.log);
  const shared: Shared = { credentials, limiters };

  const lifecycle: Lifecycle = { draining: false };
  const health = createHealthRouter(deps, lifecycle);

  const logRequest = requestLog(apiLogs, deps.log);
  const metrics = createApiMetrics(deps.db, apiLogs, {
    connection: deps.temporal.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    queues: taskQueues(deps.config),
  });
  app.use(requestId());
  app.use(async (ctx, next) => {
    // Draining: the client (or balancer) opens its next request elsewhere.
    if (lifecycle.draining) ctx.set('Connection', 'close');
    await next();
  });
  app.use(async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') {
      await metrics.middleware(ctx, next);
      return;
    }
    try {
      ctx.body = await metrics.text();
      ctx.set('Content-Type', metrics.registry.contentType);
    } catch (err) {
      deps.log.error({ err }, 'metrics could not be gathered');
      ctx.status = 503;
      ctx.body = 'metrics unavailable\n';
    }
  });
  app.use(async (ctx, next) => {
    // Probes, metrics, docs and the browser pages stay out of api_logs; every API call is recorded.
    if (
      ['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(ctx.path) ||
      /^\/(docs|portal|console|assets)(\/|$)/.test(ctx.path)
    )
      await next();
    else await logRequest(ctx, next);
  });
  // Each surface words its own failures; the legacy action API has its envelope.
  app.use(async (ctx, next) => {
    if (ctx.path === LEGACY_PATH) ctx.state.renderFailure = legacyFailure;
    await next();
  });
  app.use(errorHandler(deps.log));
  app.use(parseBody(deps.config.BODY_LIMIT));
  app.use(health.routes());
  const routers = surfaceRouters(deps);
  app.use(legacySurface(deps, shared, routers.legacy));
  app.use(routers.callbacks.routes());
  app.use(createDocsRouter(deps).routes());
  // The codec server for operators (the Temporal UI, the temporal CLI): below /console, before the pages.
  app.use(
    createCodecServer(
      deps,
      authenticateOn(deps, shared, CODEC_PATH, { accept: ['admin_bearer'], ipPolicy: 'credential' }),
    ),
  );
  if (opts.pages) app.use(opts.pages(deps, limiters) as Middleware<AppState>);
  // Seed 003: "API key plus IP whitelist" on every request, whatever the credential.
  app.use(
    surface(deps, shared, '/api/v1', { accept: ['api_key', 'bearer'], ipPolicy: 'reseller' }, routers.v1),
  );
  app.use(
    surface(
      deps,
      shared,
      '/api/reseller/v1',
      { accept: ['bearer'], ipPolicy: 'credential' },
      routers.resellerV1,
    ),
  );
  // Operators: admin tokens only (reseller credentials are no credential here, and the other way round).
  app.use(
    surface(
      deps,
      shared,
      '/api/admin/v1',
      { accept: ['admin_bearer'], ipPolicy: 'credential' },
      routers.admin,
    ),
  );
  return Object.assign(app, { apiLogs, credentials, limiters, lifecycle });
}
