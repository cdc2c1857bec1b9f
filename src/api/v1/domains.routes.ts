import { Router, type RouterMiddleware } from '@koa/router';
import type { AppDeps, AppState } from '../context';
import { requireAuth } from '../context';
import { respond } from '../envelope';
import { requireAbility } from '../middleware/auth';
import { presentDomain } from '../presenters';
import { input, validate } from '../validate';
import { listDomains } from '../../services/domains';
import { listDomainsRequest } from './domains.schema';

/** Lists the caller's domains, keyset-paginated; both surfaces serve it as `GET /domains`. */
export function listDomainsHandler(deps: AppDeps): RouterMiddleware<AppState> {
  return async (ctx) => {
    const { query } = input(ctx, listDomainsRequest);
    const { reseller } = requireAuth(ctx);
    const page = await listDomains(deps.db, reseller.id, { limit: query.limit, afterId: query.cursor });
    respond(ctx, {
      domains: page.items.map(presentDomain),
      pagination: { limit: query.limit, next_cursor: page.nextCursor },
    });
  };
}

export function createV1DomainsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get(
    '/domains',
    requireAbility('domains.read'),
    validate(listDomainsRequest),
    listDomainsHandler(deps),
  );
  return router;
}
