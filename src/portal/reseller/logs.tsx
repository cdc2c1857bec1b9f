import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { presentApiLogDetail } from '../../views/account';
import { type ApiLogFilter, listApiLogs, showApiLog } from '../../services/api-logs';
import { attempt, type PortalContext, type PortalState } from '../http';
import { signedInReseller } from '../http';
import { ApiLogList, LogDetail } from './logs.view';
import { resellerPage } from './page';

/** The filter a logs page's query asks for (`?status=4xx&route=…&since=2026-12-01&until=…&cursor=`). */
export function logFilterFrom(query: Record<string, unknown>, resellerId: number | undefined): ApiLogFilter {
  const text = (k: string) => (typeof query[k] === 'string' && query[k] !== '' ? query[k] : undefined);
  const date = (k: string) => (text(k) ? new Date(text(k)!) : undefined);
  const cursor = text('cursor');
  return {
    resellerId,
    status: text('status'),
    route: text('route'),
    method: text('method'),
    since: date('since'),
    until: date('until'),
    beforeId: cursor && /^\d{1,18}$/.test(cursor) ? cursor : undefined,
    limit: 50,
  };
}

/** Seed 003's API Logs page: the reseller's own requests, filtered, with a detail view. */
export function addLogs(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/portal/api-logs', async (ctx: PortalContext) => {
    const query = ctx.query as Record<string, unknown>;
    const res = await attempt(() => listApiLogs(deps.db, logFilterFrom(query, signedInReseller(ctx).id)));
    resellerPage(
      ctx,
      'API Logs',
      '/portal/api-logs',
      <ApiLogList
        path="/portal/api-logs"
        caption="Your API requests, newest first"
        query={query}
        result={res}
      />,
      'error' in res ? 422 : 200,
    );
  });

  router.get('/portal/api-logs/:log', async (ctx) => {
    const log = presentApiLogDetail(
      await showApiLog(deps.db, ctx.params['log'] ?? '', signedInReseller(ctx).id),
    );
    resellerPage(ctx, `API request ${log.request_id}`, '/portal/api-logs', <LogDetail log={log} />);
  });
}
