import { Router } from '@koa/router';
import type { AppDeps, AppState } from './http/context';
import { withTimeout } from '../timeout';

/** Whether the process is shutting down (set by `drain()` in main-api.ts). */
export interface Lifecycle {
  draining: boolean;
}

/**
 * `/healthz`: the process answers. `/readyz`: Postgres and Temporal (namespace) reachable, and
 * the process not draining (503 `draining` from SIGTERM on, so a load balancer stops sending).
 */
export function createHealthRouter(deps: AppDeps, lifecycle: Lifecycle): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/healthz', (ctx) => {
    ctx.body = { success: true, message: 'OK', data: { status: 'ok' } };
  });

  router.get('/readyz', async (ctx) => {
    if (lifecycle.draining) {
      ctx.status = 503;
      ctx.body = { success: false, message: 'Shutting down.', code: 'draining', data: { draining: true } };
      return;
    }
    const [database, temporal] = await Promise.all([
      withTimeout(deps.db.raw('SELECT 1'), 2000).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      withTimeout(
        deps.temporal.workflowService.describeNamespace({ namespace: deps.config.TEMPORAL_NAMESPACE }),
        2000,
      ).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      success: ready,
      message: ready ? 'Ready.' : 'Not ready.',
      ...(ready ? {} : { code: 'not_ready' }),
      data: { database, temporal },
    };
  });

  return router;
}
