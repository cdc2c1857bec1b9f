import { Router } from '@koa/router';
import type { AppDeps, AppState } from '../context';
import { requireAuth } from '../context';
import { encodeCursor } from '../../services/domains';
import {
  findOrder,
  invoiceForOrder,
  listOrders,
  payInvoiceFromWallet,
  type InvoiceRecord,
} from '../../services/orders';
import { respond } from '../envelope';
import { notFound, unprocessable } from '../errors';
import { idempotency } from '../middleware/idempotency';
import { requireAbility } from '../middleware/auth';
import { ownedDomain, placeOrder, sendOrderResponse } from '../order-flow';
import { presentOrder } from '../orders.presenter';
import { searchDomains } from '../search';
import { input, validate } from '../validate';
import { showOrderHandler } from '../shared.handlers';
import { listOrdersRequest, showOrderRequest } from '../v1/orders.schema';
import {
  orderRegisterRequest,
  orderRenewRequest,
  orderTransferRequest,
  payInvoiceRequest,
  searchRequest,
} from './orders.schema';

const ORDERS_PATH = '/api/reseller/v1/orders';

/** Seed 000: search, orders (unpaid invoices), order list, and paying an invoice from the wallet. */
export function createResellerOrdersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: true });

  router.post('/domains/search', requireAbility('domains.read'), validate(searchRequest), async (ctx) => {
    const { body } = input(ctx, searchRequest);
    respond(ctx, { results: await searchDomains(deps, requireAuth(ctx), body.domains) });
  });

  router.get('/orders', requireAbility('orders.read'), validate(listOrdersRequest), async (ctx) => {
    const { query } = input(ctx, listOrdersRequest);
    const page = await listOrders(deps.db, requireAuth(ctx).reseller.id, {
      limit: query.limit,
      afterId: query.cursor,
    });
    const invoices = (await deps.db('invoices').whereIn(
      'orderId',
      page.items.map((o) => o.id),
    )) as InvoiceRecord[];
    respond(ctx, {
      orders: page.items.map((o) =>
        presentOrder(
          o,
          invoices.find((i) => i.orderId === o.id),
        ),
      ),
      pagination: {
        limit: query.limit,
        next_cursor: page.more && page.lastId !== null ? encodeCursor(page.lastId) : null,
      },
    });
  });

  router.get(
    '/orders/:order',
    requireAbility('orders.read'),
    validate(showOrderRequest),
    showOrderHandler(deps),
  );

  router.post(
    '/orders/register',
    requireAbility('orders.write'),
    validate(orderRegisterRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, orderRegisterRequest);
      const registrant = body.registrant;
      sendOrderResponse(
        ctx,
        await placeOrder(deps, ctx, requireAuth(ctx), {
          action: 'register',
          domain: body.domain,
          domainField: 'domain',
          years: body.years,
          paymentMethod: 'invoice',
          gateway: body.gateway,
          contacts: registrant ? { registrant, admin: body.admin ?? registrant } : undefined,
          nameservers: body.nameservers,
          privacy: body.privacy,
          autoRenew: body.auto_renew,
          premiumPrice: body.premium_price,
          ordersPath: ORDERS_PATH,
        }),
      );
    },
  );

  router.post(
    '/orders/renew',
    requireAbility('orders.write'),
    validate(orderRenewRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, orderRenewRequest);
      const auth = requireAuth(ctx);
      const domain = await ownedDomain(deps, auth.reseller.id, body.domain);
      sendOrderResponse(
        ctx,
        await placeOrder(deps, ctx, auth, {
          action: 'renew',
          domain: domain.name,
          domainField: 'domain',
          years: body.years,
          paymentMethod: 'invoice',
          gateway: body.gateway,
          ordersPath: ORDERS_PATH,
        }),
      );
    },
  );

  router.post(
    '/orders/transfer',
    requireAbility('orders.write'),
    validate(orderTransferRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, orderTransferRequest);
      sendOrderResponse(
        ctx,
        await placeOrder(deps, ctx, requireAuth(ctx), {
          action: 'transfer',
          domain: body.domain,
          domainField: 'domain',
          years: body.years,
          paymentMethod: 'invoice',
          gateway: body.gateway,
          authCode: body.auth_code,
          ordersPath: ORDERS_PATH,
        }),
      );
    },
  );

  /** Wallet payment of an unpaid invoice: a ledger debit, then provisioning starts. */
  router.post(
    '/invoices/:invoice/pay',
    requireAbility('orders.write'),
    validate(payInvoiceRequest),
    keyed,
    async (ctx) => {
      const { params } = input(ctx, payInvoiceRequest);
      const { reseller } = requireAuth(ctx);
      const invoice = (await deps
        .db('invoices')
        .where({ publicId: params.invoice, resellerId: reseller.id })
        .first()) as InvoiceRecord | undefined;
      if (!invoice || invoice.orderId === null) throw notFound('Invoice not found.', 'invoice_not_found');
      const order = (await deps
        .db('orders')
        .where({ id: invoice.orderId })
        .first('workflowId', 'publicId')) as {
        workflowId: string;
        publicId: string;
      };
      const result = await payInvoiceFromWallet(
        deps.temporal,
        order.workflowId,
        deps.config.WORKFLOW_ANSWER_TIMEOUT_MS,
      );
      if (!result.paid) throw unprocessable(result.code, result.message);
      const fresh = await findOrder(deps.db, { resellerId: reseller.id, publicId: order.publicId });
      respond(
        ctx,
        { order: fresh ? presentOrder(fresh, await invoiceForOrder(deps.db, invoice.orderId)) : null },
        'Invoice paid from the wallet.',
      );
    },
  );

  return router;
}
