import type { VNode } from 'preact';
import type { presentApiLogDetail } from '../../views/account';
import type { ApiLogSummary, listApiLogs } from '../../services/api-logs';
import type { AppError } from '../../services/errors';
import { Errors, Next, Table, when } from '../components';

/* The API log pages' markup, the reseller's (logs.tsx) and the console's (console/trail.tsx) alike. */

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

/** The filter form, then the requests found (newest first, each linking to its detail) or why the filter was refused. */
export function ApiLogList(props: {
  /** The page's own path: the form's action, the detail links' and the next page's base. */
  path: string;
  caption: string;
  query: Record<string, unknown>;
  result: { ok: Awaited<ReturnType<typeof listApiLogs>> } | { error: AppError };
  withReseller?: boolean;
}): VNode {
  const { path, query, result } = props;
  return (
    <>
      <LogFilterForm action={path} query={query} withReseller={props.withReseller === true} />
      {'error' in result ? (
        <Errors message={result.error.message} errors={result.error.errors} />
      ) : (
        <>
          <Table
            caption={props.caption}
            head={['At', 'Method', 'Path', 'Status', 'Duration', 'Error']}
            rows={logRows(result.ok.items, (id) => `${path}/${id}`)}
            empty="No requests match."
          />
          <Next href={nextLink(path, query, result.ok.nextBeforeId)} />
        </>
      )}
    </>
  );
}
