import type { Router } from '@koa/router';
import { presentAuditEvent, presentApiLogDetail } from '../../api/account.presenter';
import { workflowUrl } from '../../api/admin/presenters';
import type { AppDeps } from '../../api/context';
import { formatMinor } from '../../money';
import { listApiLogs, showApiLog } from '../../services/api-logs';
import { acknowledgeAuditEvent, listAuditEvents } from '../../services/audit';
import { listPrices } from '../../services/catalog-admin';
import { listResellers } from '../../services/resellers';
import { resolveBillingFailure, reviewQueue } from '../../services/reviews';
import { Action, Errors, Field, Next, Table, when } from '../components';
import { attempt, field, idFrom, type PortalContext, type PortalState, redirectWithFlash } from '../http';
import { LogDetail, LogFilterForm, logFilterFrom, logRows, nextLink } from '../reseller/logs';
import { actorOf, consolePage } from './page';
import { reviewSentence } from './review-sentences';

const resellerParam = (ctx: PortalContext) => idFrom(ctx, 'reseller', 'query');

/** The overview, the review queue (capture / void / acknowledge), API logs and the audit trail. */
export function addConsoleReview(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/console', async (ctx) => {
    const [queue, resellers, prices] = await Promise.all([
      reviewQueue(deps.db, { limit: 100 }),
      listResellers(deps.db, { limit: 1000 }),
      listPrices(deps.db, { active: true }),
    ]);
    consolePage(
      ctx,
      'Overview',
      '/console',
      <dl class="figures">
        <dt>Resellers</dt>
        <dd>
          <a href="/console/resellers">
            {resellers.items.length}
            {resellers.more ? '+' : ''}
          </a>{' '}
          ({resellers.items.filter((r) => r.status === 'suspended').length} suspended)
        </dd>
        <dt>Waiting for review</dt>
        <dd data-figure="review">
          <a href="/console/review">
            {queue.orders.length} orders, {queue.events.length} events
          </a>
        </dd>
        <dt>Active prices</dt>
        <dd>
          <a href="/console/catalog">{prices.length}</a>
          {prices.length === 0 && ' — nothing can be sold until some are set'}
        </dd>
      </dl>,
    );
  });

  router.get('/console/review', async (ctx) => {
    const queue = await reviewQueue(deps.db, { resellerId: resellerParam(ctx), limit: 100 });
    const csrf = ctx.state.page?.csrfToken;
    consolePage(
      ctx,
      'Review queue',
      '/console/review',
      <>
        <h2>Orders whose billing failed after the registrar succeeded</h2>
        {queue.orders.length === 0 && <p>No orders wait for review.</p>}
        {queue.orders.map(({ order, failedAt, error }) => (
          <article key={order.publicId} aria-labelledby={`o-${order.publicId}`}>
            <h3 id={`o-${order.publicId}`}>
              {order.action} {order.domainName}
            </h3>
            <dl class="figures">
              <dt>Order</dt>
              <dd>
                <code>{order.publicId}</code> (
                <a href={workflowUrl(deps.config, order.workflowId)}>Temporal UI</a>)
              </dd>
              <dt>Reseller</dt>
              <dd>
                <a href={`/console/resellers/${order.resellerId}`}>#{order.resellerId}</a>
              </dd>
              <dt>Amount held</dt>
              <dd>
                {formatMinor(BigInt(order.amountMinor), order.currency.trim())} {order.currency.trim()}
              </dd>
              <dt>Since</dt>
              <dd>{when(failedAt)}</dd>
              <dt>Error</dt>
              <dd>
                <code>{(error ?? '').slice(0, 300)}</code>
              </dd>
            </dl>
            {(['capture', 'void'] as const).map((r) => (
              <Action
                key={r}
                action={`/console/review/orders/${encodeURIComponent(order.publicId)}/${r}`}
                label={r === 'capture' ? 'Capture' : 'Void'}
                csrf={csrf}
                secondary={r === 'void'}
              >
                <Field name="reason" id={`reason-${r}-${order.publicId}`} label={`Reason to ${r}`} required />
              </Action>
            ))}
          </article>
        ))}
        <h2>Events to look at</h2>
        {queue.events.length === 0 && <p>No events wait.</p>}
        {queue.events.map((e) => (
          <article key={String(e.id)} class="review-event" data-event={String(e.id)}>
            <p data-sentence>{reviewSentence(e)}</p>
            <p class="meta">
              {e.type.replace(/_/g, ' ')} ·{' '}
              {e.resellerId === null ? (
                'no reseller'
              ) : (
                <a href={`/console/resellers/${e.resellerId}`}>reseller #{e.resellerId}</a>
              )}{' '}
              · {when(e.createdAt)} · event #{String(e.id)}
            </p>
            <Action action={`/console/review/events/${e.id}/acknowledge`} label="Acknowledge" csrf={csrf} />
            <details>
              <summary>Raw data</summary>
              <pre>
                <code>{JSON.stringify(e.data, null, 2)}</code>
              </pre>
            </details>
          </article>
        ))}
      </>,
    );
  });

  for (const resolution of ['capture', 'void'] as const) {
    router.post(`/console/review/orders/:order/${resolution}`, async (ctx) => {
      const res = await attempt(() =>
        resolveBillingFailure(
          deps,
          actorOf(ctx),
          ctx.params['order'] ?? '',
          { resolution, reason: field(ctx, 'reason') },
          deps.config.ORDER_ACCEPT_WAIT_MS,
        ),
      );
      const message =
        'error' in res
          ? `Not resolved: ${res.error.message}`
          : !res.ok.done
            ? 'The resolution is under way; reload in a moment.'
            : res.ok.result.ok
              ? `Order ${res.ok.order.publicId} is ${res.ok.order.status} (${resolution}).`
              : `Not resolved: ${res.ok.result.message}`;
      await redirectWithFlash(deps, ctx, '/console/review', message);
    });
  }

  router.post('/console/review/events/:event/acknowledge', async (ctx) => {
    const res = await attempt(() =>
      acknowledgeAuditEvent(deps.db, actorOf(ctx), ctx.params['event'] ?? '', undefined),
    );
    await redirectWithFlash(
      deps,
      ctx,
      '/console/review',
      'error' in res ? res.error.message : `Event #${res.ok.id} acknowledged.`,
    );
  });

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
            <input id="a-type" name="type" value={type?.[0] ?? ''} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <Table
          caption="Who changed what, newest first"
          head={['At', 'Actor', 'Type', 'Reseller', 'Subject', 'Data']}
          rows={page.items.map((e) => {
            const p = presentAuditEvent(e);
            return [
              when(p.created_at),
              p.actor ?? '',
              p.type,
              p.reseller_id === null ? '—' : String(p.reseller_id),
              `${p.subject_type ?? ''} ${p.subject_id ?? ''}`,
              <code>{JSON.stringify(p.data).slice(0, 200)}</code>,
            ];
          })}
          empty="Nothing recorded."
        />
        <Next href={nextLink('/console/audit', ctx.query as Record<string, unknown>, page.nextBeforeId)} />
      </>,
    );
  });
}
