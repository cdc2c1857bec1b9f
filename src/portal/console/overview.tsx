import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { ordersByStatusPerDay, revenuePerDay, webhookDeliveriesPerDay } from '../../services/figures';
import { listPrices } from '../../services/catalog-admin';
import { listResellers } from '../../services/resellers';
import { reviewQueue } from '../../services/reviews';
import type { PortalState } from '../http';
import { Overview } from './overview.view';
import { consolePage } from './page';

const DAYS = 14;

/**
 * The console's front page: what waits for an operator, then the business in pictures over the
 * last 14 days: orders by status, revenue and margin per reseller currency, and how webhook
 * deliveries fared.
 */
export function addConsoleOverview(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/console', async (ctx) => {
    const [queue, resellers, prices, orders, revenue, deliveries] = await Promise.all([
      reviewQueue(deps.db, { limit: 100 }),
      listResellers(deps.db, { limit: 1000 }),
      listPrices(deps.db, { active: true }),
      ordersByStatusPerDay(deps.db, null, DAYS),
      revenuePerDay(deps.db, DAYS),
      webhookDeliveriesPerDay(deps.db, DAYS),
    ]);
    consolePage(
      ctx,
      'Overview',
      '/console',
      <Overview data={{ queue, resellers, prices, orders, revenue, deliveries }} days={DAYS} />,
    );
  });
}
