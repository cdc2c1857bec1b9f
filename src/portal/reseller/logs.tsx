import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { presentApiLogDetail } from '../../views/account';
import { type ApiLogFilter, type ApiLogSummary, listApiLogs, showApiLog } from '../../services/api-logs';
import { Errors, Next, Table, when } from '../components';
import { attempt, type PortalContext, type PortalState } from '../http';
import { signedInReseller } from '../http';
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

export function LogFilterForm(props: {
  action: string;
  query: Record<string, unknown>;
  withReseller?: boolean;
}) {
  const v = (k: string) => (typeof props.query[k] === 'string' ? (props.query[k] as string) : '');
  return (
    <form method="get" action={props.action} class="filters" role="search">
      {props.withReseller && (
        <label for="q-reseller">
          Reseller id
          <input id="q-reseller" name="reseller" value={v('reseller')} inputMode="numeric" />
        </label>
      )}
      <label for="q-status">
        Status (404 or 4xx)
        <input id="q-status" name="status" value={v('status')} />
      </label>
      <label for="q-route">
        Route or path prefix
        <input id="q-route" name="route" value={v('route')} />
      </label>
      <label for="q-since">
        From
        <input id="q-since" name="since" type="date" value={v('since')} />
      </label>
      <label for="q-until">
        Until
        <input id="q-until" name="until" type="date" value={v('until')} />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

export const logRows = (items: ApiLogSummary[], detail: (id: string) => string) =>
  items.map((l) => [
    <a href={detail(String(l.id))}>{when(l.createdAt)}</a>,
    l.method,
    <code>{l.path}</code>,
    <span data-status={String(l.status)}>{l.status}</span>,
    `${l.durationMs} ms`,
    l.errorCode ?? '',
  ]);

/** The next page's link, keeping the filter. */
export function nextLink(path: string, query: Record<string, unknown>, next: string | null): string | null {
  if (!next) return null;
  const q = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'cursor'),
  );
  q.set('cursor', next);
  return `${path}?${q.toString()}`;
}

export function LogDetail(props: { log: ReturnType<typeof presentApiLogDetail> }) {
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return (
    <>
      <dl class="figures">
        <dt>Request</dt>
        <dd>
          {props.log.method} <code>{props.log.path}</code>
        </dd>
        <dt>Status</dt>
        <dd>{props.log.status}</dd>
        <dt>Request id</dt>
        <dd>
          <code>{props.log.request_id}</code>
        </dd>
        <dt>At</dt>
        <dd>{when(props.log.created_at)}</dd>
        <dt>Duration</dt>
        <dd>{props.log.duration_ms} ms</dd>
      </dl>
      <p>Secrets (keys, tokens, EPP codes, passwords) were redacted before this was stored.</p>
      <h2>Request headers</h2>
      <pre>
        <code>{json(props.log.request_headers)}</code>
      </pre>
      <h2>Request body</h2>
      <pre>
        <code>{json(props.log.request_body)}</code>
      </pre>
      <h2>Response body</h2>
      <pre>
        <code>{json(props.log.response_body)}</code>
      </pre>
    </>
  );
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
      <>
        <LogFilterForm action="/portal/api-logs" query={query} />
        {'error' in res ? (
          <Errors message={res.error.message} errors={res.error.errors} />
        ) : (
          <>
            <Table
              caption="Your API requests, newest first"
              head={['At', 'Method', 'Path', 'Status', 'Duration', 'Error']}
              rows={logRows(res.ok.items, (id) => `/portal/api-logs/${id}`)}
              empty="No requests match."
            />
            <Next href={nextLink('/portal/api-logs', query, res.ok.nextBeforeId)} />
          </>
        )}
      </>,
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
