import { Router } from '@koa/router';
import { contactChoices } from '../contacts.schema';
import { z } from 'zod';
import { DOMAIN_LOOKUP, ORDER_PLACEMENT, answers } from '../http/answers';
import { DomainJson, presentDomain, SearchRowJson } from '../../views/domains';
import { ORDER_ANSWERS, OrderJson } from '../../views/orders';
import type { AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { respond } from '../http/envelope';
import { validationFailed } from '../../services/errors';
import { idempotency } from '../middleware/idempotency';
import { requireAbility } from '../middleware/auth';
import { ownedDomain } from '../../services/domains';
import { searchDomains } from '../../services/search';
import { placeOrderAnswer, sendOrderResponse } from '../orders';
import { showOrderHandler } from '../shared.handlers';
import { input, validate } from '../http/validate';
import {
  checkRequest,
  registerRequest,
  renewRequest,
  showDomainRequest,
  showOrderRequest,
  transferAuthCodeRequest,
  transferRequest,
} from './orders.schema';
import { cancelTransfer, sendTransferAuthCode } from '../../services/transfers';
import { presentOrder } from '../../views/orders';

const ORDERS_PATH = '/api/v1/orders';

/** Seed 003's billable endpoints: check, register, renew, transfer; plus domain and order lookups. */
export function createV1OrdersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: false });

  router.post(
    '/domains/check',
    answers({ 200: z.object({ domain: SearchRowJson }) }, ['registrar_unavailable']),
    requireAbility('domains.read'),
    validate(checkRequest),
    async (ctx) => {
      const { body } = input(ctx, checkRequest);
      const [row] = await searchDomains(deps, requireAuth(ctx).reseller, [body.domain_name]);
      if (row?.reason) throw validationFailed({ domain_name: [row.reason] });
      respond(
        ctx,
        { domain: row },
        row?.available ? 'The domain is available.' : 'The domain is not available.',
      );
    },
  );

  router.post(
    '/domains/register',
    answers(ORDER_ANSWERS, ORDER_PLACEMENT),
    requireAbility('orders.write'),
    validate(registerRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, registerRequest);
      const res = await placeOrderAnswer(
        deps,
        ctx,
        {
          action: 'register',
          domain: body.domain_name,
          domainField: 'domain_name',
          years: body.period,
          paymentMethod: 'wallet',
          contacts: contactChoices(body),
          nameservers: body.nameservers,
          privacy: body.privacy,
          autoRenew: body.auto_renew,
          premiumPrice: body.premium_price,
        },
        ORDERS_PATH,
      );
      sendOrderResponse(ctx, res);
    },
  );

  router.post(
    '/domains/:domain/renew',
    answers(ORDER_ANSWERS, ORDER_PLACEMENT),
    requireAbility('orders.write'),
    validate(renewRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, renewRequest);
      sendOrderResponse(
        ctx,
        await placeOrderAnswer(
          deps,
          ctx,
          {
            action: 'renew',
            domain: params.domain,
            domainField: 'domain',
            years: body.period,
            paymentMethod: 'wallet',
            premiumPrice: body.premium_price,
          },
          ORDERS_PATH,
        ),
      );
    },
  );

  router.post(
    '/domains/:domain/transfer',
    answers(ORDER_ANSWERS, ORDER_PLACEMENT),
    requireAbility('orders.write'),
    validate(transferRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, transferRequest);
      sendOrderResponse(
        ctx,
        await placeOrderAnswer(
          deps,
          ctx,
          {
            action: 'transfer',
            domain: params.domain,
            domainField: 'domain',
            years: body.period,
            paymentMethod: 'wallet',
            authCode: (body.auth_code ?? body.epp_code)!,
          },
          ORDERS_PATH,
        ),
      );
    },
  );

  router.get(
    '/domains/:domain',
    answers({ 200: z.object({ domain: DomainJson }) }, DOMAIN_LOOKUP),
    requireAbility('domains.read'),
    validate(showDomainRequest),
    async (ctx) => {
      const { params } = input(ctx, showDomainRequest);
      const domain = await ownedDomain(deps.db, requireAuth(ctx).reseller.id, params.domain);
      respond(ctx, { domain: presentDomain(domain) });
    },
  );

  router.post(
    '/orders/:order/auth-code',
    answers({ 202: z.object({ order: OrderJson }) }, [
      'order_not_found',
      'transfer_not_in_progress',
      'validation_failed',
    ]),
    requireAbility('orders.write'),
    validate(transferAuthCodeRequest),
    async (ctx) => {
      const { params, body } = input(ctx, transferAuthCodeRequest);
      const order = await sendTransferAuthCode(
        deps,
        requireAuth(ctx).reseller.id,
        params.order,
        body.auth_code,
      );
      respond(ctx, { order: presentOrder(order) }, 'The new auth code was passed to the registrar.', 202);
    },
  );

  router.post(
    '/orders/:order/cancel',
    answers({ 202: z.object({ order: OrderJson }) }, ['order_not_found', 'transfer_not_in_progress']),
    requireAbility('orders.write'),
    validate(showOrderRequest),
    async (ctx) => {
      const { params } = input(ctx, showOrderRequest);
      const reseller = requireAuth(ctx).reseller;
      const order = await cancelTransfer(deps, { resellerId: reseller.id }, params.order, {
        by: `reseller:${reseller.id}`,
      });
      respond(
        ctx,
        { order: presentOrder(order) },
        'Cancelling the transfer: the registrar is asked once and the held funds are released.',
        202,
      );
    },
  );

  router.get(
    '/orders/:order',
    answers({ 200: z.object({ order: OrderJson }) }, ['order_not_found']),
    requireAbility('orders.read'),
    validate(showOrderRequest),
    showOrderHandler(deps),
  );

  return router;
}
