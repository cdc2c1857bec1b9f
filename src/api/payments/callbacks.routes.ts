import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import type { Context } from 'koa';
import type { GatewayName } from '../../payments/types';
import { receiveGatewayCallback } from '../../services/payment-callbacks';
import type { AppDeps, AppState } from '../http/context';
import { respond } from '../http/envelope';
import { documented } from '../http/validate';
import { midtransNotificationSchema, xenditCallbackSchema } from './callbacks.schema';

/**
 * Gateway callbacks: the payments service verifies, records and hands the payment to its
 * workflow; forged callbacks get 401/403, everything else is answered 200 quickly.
 */
export function createPaymentCallbacksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  const handle = (gateway: GatewayName) => async (ctx: Context) => {
    const message = await receiveGatewayCallback(deps, {
      gateway,
      body: (ctx.request as { body?: unknown }).body,
      rawBody: (ctx.request as { rawBody?: string }).rawBody ?? '',
      headers: ctx.headers,
    });
    respond(ctx, null, message);
  };

  const answered = answers({ 200: z.null() }, ['invalid_signature', 'invalid_callback_token', 'try_again']);
  router.post(
    '/payments/webhooks/midtrans',
    answered,
    documented(midtransNotificationSchema, handle('midtrans')),
  );
  router.post('/payments/webhooks/xendit', answered, documented(xenditCallbackSchema, handle('xendit')));
  return router;
}
