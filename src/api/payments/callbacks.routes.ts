import { Router } from '@koa/router';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Context } from 'koa';
import { documented } from '../validate';
import { midtransFacts, midtransSignatureValid } from '../../payments/midtrans/client';
import type { CallbackFacts, GatewayName } from '../../payments/types';
import { xenditFacts, xenditTokenValid } from '../../payments/xendit/client';
import { redact } from '../../redact';
import type { latePaymentWorkflow } from '../../../workflows';
import { latePaymentWorkflowId, type PaidSignal, TASK_QUEUE } from '../../../workflows/contracts';
import { paidSignal } from '../../../workflows/messages';
import type { AppDeps, AppState } from '../context';
import { ApiError, badRequest } from '../errors';
import type { Gateways } from '../../payments';
import { midtransNotificationSchema, xenditCallbackSchema } from './callbacks.schema';

type Verdict =
  | 'accepted'
  | 'duplicate'
  | 'forged'
  | 'invalid'
  | 'not_paid'
  | 'unknown_reference'
  | 'unconfirmed'
  | 'invalid_amount'
  | 'signal_failed';

interface PaymentRow {
  id: number;
  invoiceId: number;
}

/**
 * Gateway callbacks. Each one is stored with its verdict; only a verified, paid callback for
 * one of our payment attempts signals the waiting workflow, and only the first such callback
 * per attempt (a partial unique index turns concurrent duplicates into `duplicate`). Forged
 * callbacks get 401/403 and change nothing; everything else is answered 200 quickly.
 */
export function createPaymentCallbacksRouter(deps: AppDeps & { gateways: Gateways }): Router<AppState> {
  const router = new Router<AppState>();

  async function record(
    ctx: Context,
    gateway: GatewayName,
    verdict: Verdict,
    facts: Partial<CallbackFacts> | null,
    paymentId: number | null,
    note?: string,
  ): Promise<boolean> {
    const values = {
      gateway,
      attempt_ref: facts?.attemptRef ?? null,
      payment_id: paymentId,
      verdict,
      transaction_status: facts?.transactionStatus ?? null,
      amount: facts?.amountText ?? null,
      currency: facts?.currency ?? null,
      raw_body: ((ctx.request as { rawBody?: string }).rawBody ?? '').slice(0, 65_536),
      headers: JSON.stringify(redact(ctx.headers)),
      note: note ?? null,
    };
    if (verdict !== 'accepted') {
      await deps
        .db('paymentCallbacks')
        .insert(
          Object.fromEntries(
            Object.entries(values).map(([k, v]) => [
              k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
              v,
            ]),
          ),
        );
      return true;
    }
    const res = await deps.db.raw<{ rowCount: number }>(
      `INSERT INTO payment_callbacks (gateway, attempt_ref, payment_id, verdict, transaction_status, amount, currency, raw_body, headers, note)
       VALUES (:gateway, :attempt_ref, :payment_id, :verdict, :transaction_status, :amount, :currency, :raw_body, :headers, :note)
       ON CONFLICT (gateway, attempt_ref) WHERE verdict = 'accepted' DO NOTHING`,
      values,
    );
    return res.rowCount > 0;
  }

  async function handle(ctx: Context, gateway: GatewayName): Promise<void> {
    const body = (ctx.request as { body?: unknown }).body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      await record(ctx, gateway, 'invalid', null, null);
      throw badRequest('invalid_body', 'The callback body must be a JSON object.');
    }
    const payload = body as Record<string, unknown>;
    const valid =
      gateway === 'midtrans'
        ? midtransSignatureValid(payload, deps.config.MIDTRANS_SERVER_KEY)
        : xenditTokenValid(ctx.get('x-callback-token'), deps.config.XENDIT_CALLBACK_TOKEN);
    let facts = gateway === 'midtrans' ? midtransFacts(payload) : xenditFacts(payload);
    if (!valid) {
      await record(ctx, gateway, 'forged', facts, null);
      throw gateway === 'midtrans'
        ? new ApiError(401, 'invalid_signature', 'The signature_key does not match.')
        : new ApiError(403, 'invalid_callback_token', 'The x-callback-token does not match.');
    }
    const payment = (await deps
      .db('payments')
      .where({ gateway, attemptRef: facts.attemptRef })
      .first('id', 'invoiceId')) as PaymentRow | undefined;
    const ok = (message: string) => {
      ctx.status = 200;
      ctx.body = { success: true, message, data: null };
    };
    if (!payment) {
      await record(ctx, gateway, 'unknown_reference', facts, null);
      return ok('Ignored: not one of our payments.');
    }
    if (gateway === 'midtrans' && deps.config.MIDTRANS_VERIFY_STATUS && facts.paid) {
      const confirmed = await deps.gateways.midtrans.status(facts.attemptRef).catch(() => null);
      if (!confirmed || !confirmed.paid) {
        await record(
          ctx,
          gateway,
          'unconfirmed',
          facts,
          payment.id,
          'status API does not confirm a paid transaction',
        );
        return ok('Recorded; not confirmed as paid.');
      }
      facts = confirmed;
    }
    if (!facts.paid) {
      await record(ctx, gateway, 'not_paid', facts, payment.id);
      return ok('Recorded.');
    }
    if (facts.amountMinor === null || facts.currency === null) {
      await record(ctx, gateway, 'invalid_amount', facts, payment.id);
      return ok('Recorded; the amount could not be read.');
    }
    if (!(await record(ctx, gateway, 'accepted', facts, payment.id))) {
      await record(ctx, gateway, 'duplicate', facts, payment.id);
      return ok('Already received.');
    }

    const invoice = (await deps.db('invoices').where({ id: payment.invoiceId }).first('workflowId')) as {
      workflowId: string | null;
    };
    const signal: PaidSignal = {
      amountMinor: facts.amountMinor.toString(),
      currency: facts.currency,
      gateway,
      reference: facts.gatewayReference,
      attemptRef: facts.attemptRef,
    };
    try {
      try {
        if (!invoice.workflowId) throw new WorkflowNotFoundError('invoice has no workflow', '', undefined);
        await deps.temporal.workflow.getHandle(invoice.workflowId).signal(paidSignal, signal);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // The invoice's workflow has finished (expired or paid otherwise): credit the wallet instead.
        await deps.temporal.workflow
          .start<typeof latePaymentWorkflow>('latePaymentWorkflow', {
            taskQueue: TASK_QUEUE,
            workflowId: latePaymentWorkflowId(gateway, facts.attemptRef),
            args: [{ invoiceId: payment.invoiceId, payment: signal }],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          })
          .catch((e: unknown) => {
            if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
          });
      }
    } catch (err) {
      // Not delivered: free the "accepted" slot so the gateway's retry is processed.
      await deps
        .db('paymentCallbacks')
        .where({ gateway, attemptRef: facts.attemptRef, verdict: 'accepted' })
        .update({ verdict: 'signal_failed' });
      deps.log.error(
        { err, gateway, attemptRef: facts.attemptRef },
        'could not deliver a payment to its workflow',
      );
      throw new ApiError(503, 'try_again', 'The payment could not be processed right now; please retry.');
    }
    ok('Payment received.');
  }

  router.post(
    '/payments/webhooks/midtrans',
    documented(midtransNotificationSchema, (ctx: Context) => handle(ctx, 'midtrans')),
  );
  router.post(
    '/payments/webhooks/xendit',
    documented(xenditCallbackSchema, (ctx: Context) => handle(ctx, 'xendit')),
  );
  return router;
}
