import type { Router } from '@koa/router';
import { presentApiLogDetail } from '../../views/account';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { listApiLogs, showApiLog } from '../../services/api-logs';
import { listAuditEvents } from '../../services/audit';
import { Errors, Next, Table } from '../components';
import { attempt, type PortalState } from '../http';
import { LogDetail, LogFilterForm, logFilterFrom, logRows, nextLink } from '../reseller/logs';
import { EventCard } from './event-card';
import { consolePage, resellerParam } from './page';
import { AUDIT_TYPES, auditSentence } from './sentences';

/** What happened: every reseller's API requests, and the audit trail, each event as a sentence. */
export function addConsoleTrail(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/console/api-logs', async (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    const res = await attempt(() => listApiLogs(deps.db, logFilterFrom(query, resellerParam(ctx))));
    consolePage(
      ctx,
      'API logs',
      '/console/api-logs',
      <>
        <LogFilterForm action="/console/api-logs" query={query} withReseller />
        {'error' in res ? (
          <Errors message={res.error.message} errors={res.error.errors} />
        ) : (
          <>
            <Table
              caption="API requests of every reseller, newest first"
              head={['At', 'Method', 'Path', 'Status', 'Duration', 'Error']}
              rows={logRows(res.ok.items, (id) => `/console/api-logs/${id}`)}
              empty="No requests match."
            />
            <Next href={nextLink('/console/api-logs', query, res.ok.nextBeforeId)} />
          </>
        )}
      </>,
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
      <>
        <form method="get" action="/console/audit" class="filters" role="search">
          <label for="a-reseller">
            Reseller id
            <input
              id="a-reseller"
              name="reseller"
              value={typeof ctx.query['reseller'] === 'string' ? ctx.query['reseller'] : ''}
            />
          </label>
          <label for="a-type">
            Type
            <select id="a-type" name="type">
              <option value="">any</option>
              {[...new Set([...AUDIT_TYPES, ...(type ?? [])])].map((t) => (
                <option key={t} value={t} selected={type?.[0] === t}>
                  {t.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
        {page.items.length === 0 && <p>Nothing recorded.</p>}
        {page.items.map((e) => (
          <EventCard key={String(e.id)} event={e} sentence={auditSentence(e)} />
        ))}
        <Next href={nextLink('/console/audit', ctx.query as Record<string, unknown>, page.nextBeforeId)} />
      </>,
    );
  });
}
