import type { Router } from '@koa/router';
import { workflowUrl } from '../../temporal/ui-links';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { acknowledgeAuditEvent } from '../../services/audit';
import { resolveBillingFailure, reviewQueue } from '../../services/reviews';
import { Action, Field, when } from '../components';
import { attempt, field, type PortalState, redirectWithFlash } from '../http';
import { actorOf, consolePage, resellerParam } from './page';
import { EventCard } from './event-card';
import { displayMoney, reviewSentence } from './sentences';

/** The review queue: orders to capture or void, events to acknowledge. */
export function addConsoleReview(router: Router<PortalState>, deps: AppDeps): void {
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
              <dd class="money">{displayMoney(order.amountMinor, order.currency)}</dd>
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
          <EventCard key={String(e.id)} event={e} sentence={reviewSentence(e)}>
            <Action action={`/console/review/events/${e.id}/acknowledge`} label="Acknowledge" csrf={csrf} />
          </EventCard>
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
}
