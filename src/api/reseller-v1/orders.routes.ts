import { Router } from '@koa/router';
import { contactChoices } from '../contacts.schema';
import { z } from 'zod';
import { ORDER_PLACEMENT, answers } from '../http/answers';
import { SearchRowJson } from '../../views/domains';
import { Pagination } from '../../views/json';
import { ORDER_ANSWERS, OrderJson } from '../../views/orders';
import type { AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { encodeCursor } from '../../services/domains';
import { listOrders } from '../../services/order-lists';
import { payOrderInvoice } from '../../services/orders';
import { searchDomains } from '../../services/search';
import { respond } from '../http/envelope';
import { idempotency } from '../middleware/idempotency';
import { requireAbility } from '../middleware/auth';
import { placeOrderAnswer, sendOrderResponse } from '../orders';
import { presentOrder } from '../../views/orders';
import { input, validate } from '../http/validate';
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

  router.post(
    '/domains/search',
    answers({ 200: z.object({ results: z.array(SearchRowJson) }) }, ['registrar_unavailable']),
    requireAbility('domains.read'),
    validate(searchRequest),
    async (ctx) => {
      const { body } = input(ctx, searchRequest);
      respond(ctx, { results: await searchDomains(deps, requireAuth(ctx).reseller, body.domains) });
    },
  );

  router.get(
    '/orders',
    answers({ 200: z.object({ orders: z.array(OrderJson), pagination: Pagination }) }),
    requireAbility('orders.read'),
    validate(listOrdersRequest),
    async (ctx) => {
      const { query } = input(ctx, listOrdersRequest);
      const page = await listOrders(deps.db, requireAuth(ctx).reseller.id, {
        limit: query.limit,
        afterId: query.cursor,
      });
      respond(ctx, {
        orders: page.items.map(presentOrder),
        pagination: {
          limit: query.limit,
          next_cursor: page.more && page.lastId !== null ? encodeCursor(page.lastId) : null,
        },
      });
    },
  );

  router.get(
    '/orders/:order',
    answers({ 200: z.object({ order: OrderJson }) }, ['order_not_found']),
    requireAbility('orders.read'),
    validate(showOrderRequest),
    showOrderHandler(deps),
  );

  router.post(
    '/orders/register',
    answers(ORDER_ANSWERS, ORDER_PLACEMENT),
    requireAbility('orders.write'),
    validate(orderRegisterRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, orderRegisterRequest);
      const named = body.registrant !== undefined || body.registrant_contact_id !== undefined;
      sendOrderResponse(
        ctx,
        await placeOrderAnswer(
          deps,
          ctx,
          {
            action: 'register',
            domain: body.domain,
            domainField: 'domain',
            years: body.years,
            paymentMethod: 'invoice',
            gateway: body.gateway,
            contacts: named ? contactChoices(body) : undefined,
            nameservers: body.nameservers,
            privacy: body.privacy,
            autoRenew: body.auto_renew,
            premiumPrice: body.premium_price,
          },
          ORDERS_PATH,
        ),
      );
    },
  );

  router.post(
    '/orders/renew',
    answers(ORDER_ANSWERS, ORDER_PLACEMENT),
    requireAbility('orders.write'),
    validate(orderRenewRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, orderRenewRequest);
      sendOrderResponse(
        ctx,
        await placeOrderAnswer(
          deps,
          ctx,
          {
            action: 'renew',
            domain: body.domain,
            domainField: 'domain',
            years: body.years,
            paymentMethod: 'invoice',
            gateway: body.gateway,
            premiumPrice: body.premium_price,
          },
          ORDERS_PATH,
        ),
      );
    },
  );

  router.post(
    '/orders/transfer',
    answers(ORDER_ANSWERS, ORDER_PLACEMENT),
    requireAbility('orders.write'),
    validate(orderTransferRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, orderTransferRequest);
      sendOrderResponse(
        ctx,
        await placeOrderAnswer(
          deps,
          ctx,
          {
            action: 'transfer',
            domain: body.domain,
            domainField: 'domain',
            years: body.years,
            paymentMethod: 'invoice',
            gateway: body.gateway,
            authCode: body.auth_code,
          },
          ORDERS_PATH,
        ),
      );
    },
  );

  /** Wallet payment of an unpaid invoice: a ledger debit, then provisioning starts. */
  router.post(
    '/invoices/:invoice/pay',
    answers({ 200: z.object({ order: OrderJson }) }, [
      'invoice_not_found',
      'invoice_not_payable',
      'insufficient_balance',
    ]),
    requireAbility('orders.write'),
    validate(payInvoiceRequest),
    keyed,
    async (ctx) => {
      const { params } = input(ctx, payInvoiceRequest);
      const order = await payOrderInvoice(deps, requireAuth(ctx).reseller.id, params.invoice);
      respond(ctx, { order: presentOrder(order) }, 'Invoice paid from the wallet.');
    },
  );

  return router;
}
