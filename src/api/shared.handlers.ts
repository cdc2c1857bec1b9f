import type { RouterMiddleware } from '@koa/router';
import { listDomains } from '../services/domains';
import { showOrder } from '../services/orders';
import type { AppDeps, AppState } from './http/context';
import { requireAuth } from './http/context';
import { respond } from './http/envelope';
import { presentOrder } from '../views/orders';
import { presentDomain } from '../views/domains';
import { input } from './http/validate';
import { listDomainsRequest } from './v1/domains.schema';
import { showOrderRequest } from './v1/orders.schema';

/* Handlers that more than one surface serves under the same contract. */

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

/** `GET /orders/{order}`: one of the caller's orders with its invoice; both surfaces serve it. */
export function showOrderHandler(deps: AppDeps): RouterMiddleware<AppState> {
  return async (ctx) => {
    const { params } = input(ctx, showOrderRequest);
    respond(ctx, {
      order: presentOrder(await showOrder(deps.db, requireAuth(ctx).reseller.id, params.order)),
    });
  };
}
