import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../answers';
import { InvoiceJson } from '../schemas';
import { startTopup } from '../../services/topups';
import type { AppDeps, AppState } from '../context';
import { requireAuth } from '../context';
import { respond } from '../envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { presentInvoice } from '../../views/orders';
import { input, validate } from '../validate';
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
