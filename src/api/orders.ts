import type { Context } from 'koa';
import { type OrderRequest, placeOrder, type PlacedOrder } from '../services/orders';
import { unprocessable } from '../services/errors';
import { type AppContext, type AppDeps, requireAuth } from './http/context';
import { respond } from './http/envelope';
import { presentOrder } from '../views/orders';

/** An order answer in any surface's terms: status, message, data and the order's Location. */
export interface OrderResponse {
  status: number;
  message: string;
  data: Record<string, unknown>;
  location: string;
}

const MESSAGES: Record<string, string> = {
  register: 'Domain registered successfully.',
  renew: 'Domain renewed successfully.',
  transfer: 'Domain transferred successfully.',
};

/**
 * Places an order for the caller (under the request's Idempotency-Key) and maps what the order
 * service gives to seed 003's answer: 201 done (or invoice issued), 202 still processing or
 * under billing review, 200 for an order placed earlier, 422 for a fresh order that failed.
 * `ordersPath` is where the order's Location points on the caller's surface.
 */
export async function placeOrderAnswer(
  deps: AppDeps,
  ctx: AppContext,
  req: Omit<OrderRequest, 'idempotencyKey'>,
  ordersPath: string,
): Promise<OrderResponse> {
  const placed = await placeOrder(deps, requireAuth(ctx).reseller, {
    ...req,
    idempotencyKey: ctx.state.idempotencyKey,
  });
  return orderResponse(placed, ordersPath);
}

export function orderResponse({ replay, order, domain }: PlacedOrder, ordersPath: string): OrderResponse {
  const data: Record<string, unknown> = { order: presentOrder(order) };
  if (order.status === 'completed' && domain)
    data['domain'] = {
      id: domain.id,
      domain_name: domain.name,
      status: domain.status,
      expires_at: domain.expiresAt,
    };
  const answer = (status: number, message: string): OrderResponse => ({
    status,
    message,
    data,
    location: `${ordersPath}/${order.publicId}`,
  });
  switch (order.status) {
    case 'completed':
      return answer(replay ? 200 : 201, MESSAGES[order.action] ?? 'Order completed.');
    case 'billing_failed':
      // Not a failure the reseller must act on: the registrar holds the domain, billing is in review.
      return answer(replay ? 200 : 202, order.failureMessage ?? 'Under review.');
    case 'failed':
    case 'cancelled':
      if (replay) return answer(200, `The order ${order.status}.`);
      throw unprocessable(
        order.failureCode ?? 'order_failed',
        order.failureMessage ?? 'The order failed.',
        // A premium name refused by the registration itself: the field to send, as the pre-check said.
        order.failureCode === 'premium_price_required' && order.failureMessage
          ? { premium_price: [order.failureMessage] }
          : undefined,
      );
    case 'awaiting_payment':
      return answer(replay ? 200 : 201, 'Invoice created; provisioning starts once it is paid.');
    default:
      return answer(202, 'Order accepted and processing.');
  }
}

/** Writes an order answer in the seed 003 envelope, with its Location. */
export function sendOrderResponse(ctx: Context, res: OrderResponse): void {
  ctx.set('Location', res.location);
  respond(ctx, res.data, res.message, res.status);
}
