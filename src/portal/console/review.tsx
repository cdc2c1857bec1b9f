import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { acknowledgeAuditEvent } from '../../services/audit';
import { resolveBillingFailure, reviewQueue } from '../../services/reviews';
import { attempt, field, type PortalState, redirectWithFlash } from '../http';
import { actorOf, consolePage, resellerParam } from './page';
import { ReviewQueue } from './review.view';

/** The review queue: orders to capture or void, events to acknowledge. */
export function addConsoleReview(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/console/review', async (ctx) => {
    const queue = await reviewQueue(deps.db, { resellerId: resellerParam(ctx), limit: 100 });
    consolePage(
      ctx,
      'Review queue',
      '/console/review',
      <ReviewQueue queue={queue} temporalUi={deps.config} csrf={ctx.state.page?.csrfToken} />,
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
