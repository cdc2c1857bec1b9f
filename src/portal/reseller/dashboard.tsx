import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { presentOrder } from '../../views/orders';
import { expiringDomains } from '../../services/domains';
import { AppError } from '../../services/errors';
import { latestOrders, unpaidInvoices } from '../../services/order-lists';
import { payOrderInvoice, showOrder } from '../../services/orders';
import { cancelTransfer } from '../../services/transfers';
import { getBalance } from '../../services/wallet';
import { dailyBalances, ordersByStatusPerDay } from '../../services/figures';
import { type PortalContext, type PortalState, signedInReseller, redirectWithFlash } from '../http';
import { Dashboard, OrderPage } from './dashboard.view';
import { resellerPage } from './page';

/** The dashboard (balance, expiring domains, latest orders, unpaid invoices) and one order. */
export function addDashboard(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/portal', async (ctx) => {
    const reseller = signedInReseller(ctx);
    const currency = reseller.currency.trim();
    const [balance, expiring, orders, unpaid, balances, perDay] = await Promise.all([
      getBalance(deps.db, reseller.id, currency),
      expiringDomains(deps.db, reseller.id, 30),
      latestOrders(deps.db, reseller.id, 10),
      unpaidInvoices(deps.db, reseller.id),
      dailyBalances(deps.db, reseller.id, currency, 30),
      ordersByStatusPerDay(deps.db, reseller.id, 14),
    ]);
    resellerPage(
      ctx,
      `Welcome, ${reseller.name}`,
      '/portal',
      <Dashboard
        data={{ balance, expiring, orders, unpaid, balances, perDay }}
        currency={currency}
        csrf={ctx.state.page?.csrfToken}
      />,
    );
  });

  router.post('/portal/invoices/:invoice/pay', async (ctx: PortalContext) => {
    const reseller = signedInReseller(ctx);
    try {
      const order = await payOrderInvoice(deps, reseller.id, ctx.params['invoice'] ?? '');
      await redirectWithFlash(
        deps,
        ctx,
        `/portal/orders/${encodeURIComponent(order.publicId)}`,
        'Paid from the wallet: the order is being provisioned.',
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
      await redirectWithFlash(deps, ctx, '/portal', `Not paid: ${err.message}`);
    }
  });

  router.post('/portal/orders/:order/cancel-transfer', async (ctx: PortalContext) => {
    const reseller = signedInReseller(ctx);
    const id = ctx.params['order'] ?? '';
    try {
      await cancelTransfer(deps, { resellerId: reseller.id }, id, { by: `reseller:${reseller.id}` });
      await redirectWithFlash(
        deps,
        ctx,
        `/portal/orders/${encodeURIComponent(id)}`,
        'Cancelling the transfer: the registrar is asked once, and the held funds are released.',
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
      await redirectWithFlash(
        deps,
        ctx,
        `/portal/orders/${encodeURIComponent(id)}`,
        `Not cancelled: ${err.message}`,
      );
    }
  });

  router.get('/portal/orders/:order', async (ctx) => {
    const o = presentOrder(await showOrder(deps.db, signedInReseller(ctx).id, ctx.params['order'] ?? ''));
    resellerPage(
      ctx,
      `Order ${o.id}`,
      '/portal/orders',
      <OrderPage order={o} csrf={ctx.state.page?.csrfToken} />,
    );
  });
}
