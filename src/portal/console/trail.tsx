import type { Router } from '@koa/router';
import { presentApiLogDetail } from '../../views/account';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { listApiLogs, showApiLog } from '../../services/api-logs';
import { listAuditEvents } from '../../services/audit';
import { attempt, type PortalState } from '../http';
import { logFilterFrom } from '../reseller/logs';
import { ApiLogList, LogDetail } from '../reseller/logs.view';
import { consolePage, resellerParam } from './page';
import { AuditTrail } from './trail.view';

/** What happened: every reseller's API requests, and the audit trail, each event as a sentence. */
export function addConsoleTrail(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/console/api-logs', async (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    const res = await attempt(() => listApiLogs(deps.db, logFilterFrom(query, resellerParam(ctx))));
    consolePage(
      ctx,
      'API logs',
      '/console/api-logs',
      <ApiLogList
        path="/console/api-logs"
        caption="API requests of every reseller, newest first"
        query={query}
        result={res}
        withReseller
      />,
    );
  });

  router.get('/console/api-logs/:log', async (ctx) => {
    const log = presentApiLogDetail(await showApiLog(deps.db, ctx.params['log'] ?? ''));
    consolePage(ctx, `API request ${log.request_id}`, '/console/api-logs', <LogDetail log={log} />);
  });

  router.get('/console/audit', async (ctx) => {
    const type =
      typeof ctx.query['type'] === 'string' && ctx.query['type'] !== '' ? [ctx.query['type']] : undefined;
    const cursor =
      typeof ctx.query['cursor'] === 'string' && /^\d+$/.test(ctx.query['cursor'])
        ? ctx.query['cursor']
        : undefined;
    const page = await listAuditEvents(deps.db, {
      resellerId: resellerParam(ctx),
      types: type,
      beforeId: cursor,
      limit: 50,
    });
    consolePage(
      ctx,
      'Audit trail',
      '/console/audit',
      <AuditTrail
        page={page}
        type={type?.[0]}
        reseller={typeof ctx.query['reseller'] === 'string' ? ctx.query['reseller'] : ''}
        query={ctx.query as Record<string, unknown>}
      />,
    );
  });
}
