import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { InvoiceJson } from '../../views/orders';
import { startTopup } from '../../services/topups';
import type { AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { presentInvoice } from '../../views/orders';
import { input, validate } from '../http/validate';
import { topupRequest } from './wallet.schema';

/** Wallet top-ups through the payment gateways (credited once, when the gateway says paid). */
export function createWalletRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.post(
    '/wallet/topups',
    answers({ 201: z.object({ topup: InvoiceJson }) }, ['topup_failed']),
    requireAbility('orders.write'),
    validate(topupRequest),
    idempotency(deps.db, { required: true }),
    async (ctx) => {
      const { body } = input(ctx, topupRequest);
      const invoice = await startTopup(deps, requireAuth(ctx).reseller, {
        amount: body.amount,
        gateway: body.gateway,
        idempotencyKey: ctx.state.idempotencyKey!,
      });
      respond(ctx, { topup: presentInvoice(invoice) }, 'Top-up invoice created; pay it at payment_url.', 201);
    },
  );

  return router;
}
