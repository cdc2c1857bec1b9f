import { ApplicationFailure } from '@temporalio/activity';
import { RegistrarError } from '../src/registrar/errors';
import { FINAL_TRANSFER_STATES, type TransferState } from '../src/registrar/types';
import { emitEvent, orderEventData, transferMessage } from '../src/webhooks/events';
import { OrderFailures, type TransferCancelOutcome, type TransferPoll } from '../workflows/contracts';
import {
  auditOrder,
  loadOrder,
  type OrderActivityDeps,
  registrarFailure,
  withHeartbeat,
} from './order-records';

/**
 * A transfer order's registrar steps: submit it (once: a transfer already listed is not sent
 * again), poll its state and tell the reseller of each change, take a new auth code, and flag a
 * transfer past its deadline for review.
 */
export function createTransferActivities(deps: OrderActivityDeps) {
  const { db, registrar } = deps;

  return {
    async submitTransfer(orderId: number): Promise<void> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        try {
          const status = await registrar.transferStatus(order.domainName);
          if (status && !(status.state === 'cancelled' || status.state === 'failed')) return;
          if (!order.authCode)
            throw ApplicationFailure.nonRetryable(
              'transfer order without an auth code',
              OrderFailures.RegistrarRejected,
            );
          await registrar.transfer({
            domain: order.domainName,
            authCode: deps.secrets.open(order.authCode),
          });
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /** Runs begun before the transfer states: pending, completed, cancelled or failed only. */
    async checkTransfer(
      orderId: number,
    ): Promise<{ state: 'pending' | 'completed' | 'cancelled' | 'failed'; expiresAt: string | null }> {
      const order = await loadOrder(db, orderId);
      const status = await registrar.transferStatus(order.domainName);
      const state = status?.state ?? 'none';
      if (state === 'cancelled' || state === 'failed') return { state, expiresAt: null };
      if (state !== 'completed') return { state: 'pending', expiresAt: null };
      const info = await registrar.info(order.domainName);
      return { state: 'completed', expiresAt: info?.expiresAt?.toISOString() ?? null };
    },

    /**
     * The transfer's state at the registrar (an empty list right after submitting is `none`, not
     * a failure). A change is stored on the order and told to the reseller as
     * `domain.order.processing`, with what they must do when it waits for them.
     */
    async pollTransfer(orderId: number): Promise<TransferPoll> {
      const order = await loadOrder(db, orderId);
      const status = await registrar.transferStatus(order.domainName);
      const state: TransferState = status?.state ?? 'none';
      if (state !== order.transferStatus) {
        await db.transaction(async (trx) => {
          const n = await trx('orders')
            .where({ id: orderId, status: 'processing' })
            .where((q) => void q.whereNull('transferStatus').orWhereNot('transferStatus', state))
            .update({ transferStatus: state, updatedAt: trx.fn.now() });
          // The end of a transfer is told by its completion or failure event, not as processing.
          if (n > 0 && !FINAL_TRANSFER_STATES.has(state))
            await emitEvent(
              trx,
              order.resellerId,
              'domain.order.processing',
              orderEventData(order, { status: 'processing', transferStatus: state }),
            );
        });
      }
      const expiresAt =
        state === 'completed'
          ? ((await registrar.info(order.domainName))?.expiresAt?.toISOString() ?? null)
          : null;
      return { state, text: status?.text ?? '', message: transferMessage(state), expiresAt };
    },

    /** A new auth code from the reseller for a transfer waiting for one: stored sealed and sent to the registrar. */
    async resubmitTransferAuthCode(orderId: number, sealedAuthCode: string): Promise<void> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        try {
          const status = await registrar.transferStatus(order.domainName);
          if (!status)
            throw new RegistrarError('retryable', 'the transfer is not listed yet', 'get_transfer_status');
          await registrar.setTransferAuthCode({
            domain: order.domainName,
            orderId: status.orderId,
            authCode: deps.secrets.open(sealedAuthCode),
          });
          await db('orders')
            .where({ id: orderId })
            .update({ authCode: sealedAuthCode, updatedAt: db.fn.now() });
        } catch (err) {
          return registrarFailure(err);
        }
      });
    },

    /**
     * Cancels the order's transfer at the registrar: `cancel_transfer` once (a retry after a lost
     * answer finds it cancelled and does not send it again). A transfer that has just completed
     * stays completed; a refusal is recorded for review and the transfer goes on.
     */
    async cancelTransferAtRegistrar(
      orderId: number,
      by: string,
      reason: string | null,
    ): Promise<TransferCancelOutcome> {
      return withHeartbeat(async () => {
        const order = await loadOrder(db, orderId);
        const audit = (type: string, data: Record<string, unknown>) =>
          auditOrder(db, order, type, { domain_name: order.domainName, by, reason, ...data });
        try {
          const status = await registrar.transferStatus(order.domainName);
          if (!status)
            throw new RegistrarError('retryable', 'the transfer is not listed yet', 'get_transfer_status');
          if (status.state === 'completed') {
            const info = await registrar.info(order.domainName);
            return { state: 'completed', expiresAt: info?.expiresAt?.toISOString() ?? null };
          }
          if (status.state !== 'cancelled' && status.state !== 'failed')
            await registrar.cancelTransfer({ domain: order.domainName, orderId: status.orderId });
          await audit('transfer_cancelled', { registrar_order: status.orderId });
          return { state: 'cancelled' };
        } catch (err) {
          if (err instanceof RegistrarError && !err.retryable) {
            await audit('transfer_cancel_refused', { error: err.message.slice(0, 500) });
            return { state: 'refused', message: err.message };
          }
          return registrarFailure(err);
        }
      });
    },

    /** A transfer past its deadline: to the review queue, its funds still held (never a silent refund). */
    async flagStuckTransfer(orderId: number, state: string): Promise<void> {
      const order = await loadOrder(db, orderId);
      await auditOrder(db, order, 'transfer_stuck', {
        domain_name: order.domainName,
        transfer_status: state,
        submitted_at: new Date(order.createdAt).toISOString(),
      });
    },
  };
}
