import { cancelTransferSignal, transferAuthCodeSignal } from '../../workflows/messages';
import type { OrderState } from '../../workflows/contracts';
import type { CoreDeps } from './deps';
import { notFound, unprocessable } from './errors';
import { findOrder, showOrder } from './orders';

/**
 * A new auth code for a transfer in progress (the registrar answered `auth code needed`): sealed
 * and signalled to the order's workflow, which passes it to the registrar. 404 for another's
 * order, 422 for an order that is not a transfer in progress.
 */
export async function sendTransferAuthCode(
  deps: Pick<CoreDeps, 'db' | 'temporal' | 'secrets'>,
  resellerId: number,
  orderPublicId: string,
  authCode: string,
): Promise<OrderState> {
  const order = await findOrder(deps.db, { resellerId, publicId: orderPublicId });
  if (!order) throw notFound('Order not found.', 'order_not_found');
  if (order.action !== 'transfer' || order.status !== 'processing')
    throw unprocessable('transfer_not_in_progress', 'Only a transfer in progress takes a new auth code.', {
      auth_code: ['This order is not a transfer in progress.'],
    });
  await deps.temporal.workflow
    .getHandle(order.workflowId)
    .signal(transferAuthCodeSignal, { sealedAuthCode: deps.secrets.seal(authCode) });
  return showOrder(deps.db, resellerId, orderPublicId);
}

/**
 * Asks a pending transfer's workflow to cancel it: the workflow calls the registrar's
 * `cancel_transfer` once, releases the held funds (the hold voided, a paid invoice refunded to
 * the wallet) and fails the order `transfer_cancelled`. A reseller may cancel their own orders
 * (another's is 404), an operator any. 422 for an order that is not a transfer in progress.
 */
export async function cancelTransfer(
  deps: Pick<CoreDeps, 'db' | 'temporal'>,
  scope: { resellerId: number } | { operator: true },
  orderPublicId: string,
  request: { by: string; reason?: string | undefined },
): Promise<OrderState> {
  const order = (await deps
    .db('orders')
    .where({ publicId: orderPublicId })
    .modify((q) => {
      if ('resellerId' in scope) void q.where({ resellerId: scope.resellerId });
    })
    .first()) as Awaited<ReturnType<typeof findOrder>>;
  if (!order) throw notFound('Order not found.', 'order_not_found');
  if (order.action !== 'transfer' || !['pending', 'processing'].includes(order.status))
    throw unprocessable('transfer_not_in_progress', 'Only a transfer in progress can be cancelled.');
  await deps.temporal.workflow.getHandle(order.workflowId).signal(cancelTransferSignal, request);
  return showOrder(deps.db, order.resellerId, orderPublicId);
}
