import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { CallbackVerdict, InvoiceRow, PaymentRow } from '../db/models';
import { midtransFacts, midtransSignatureValid } from '../payments/midtrans/client';
import type { CallbackFacts, GatewayName } from '../payments/types';
import { xenditFacts, xenditTokenValid } from '../payments/xendit/client';
import { redact } from '../redact';
import type { latePaymentWorkflow } from '../../workflows';
import { latePaymentWorkflowId, type PaidSignal } from '../../workflows/contracts';
import { queueFor } from '../temporal/queues';
import { paidSignal } from '../../workflows/messages';
import { money, runOptions } from '../../workflows/summaries';
import type { CoreDeps } from './deps';
import { AppError, badRequest, unavailable } from './errors';
import { workflowAnswer } from '../temporal/client';

/** A gateway callback as it arrived: the parsed body, the exact bytes, the headers. */
export interface GatewayCallback {
  gateway: GatewayName;
  body: unknown;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Handles one gateway callback and says what became of it. Each callback is stored with its
 * verdict; only a verified, paid callback for one of our payment attempts signals the waiting
 * workflow (or, once that workflow has finished, a late-payment workflow that credits the wallet),
 * and only the first such callback per attempt (a partial unique index turns concurrent
 * duplicates into `duplicate`). A forged callback is refused (401/403) and changes nothing; a
 * payment that could not be handed to its workflow is refused with 503 so the gateway retries.
 */
export async function receiveGatewayCallback(deps: CoreDeps, cb: GatewayCallback): Promise<string> {
  const { gateway } = cb;
  if (cb.body === null || typeof cb.body !== 'object' || Array.isArray(cb.body)) {
    await recordCallback(deps, cb, 'invalid', null, null);
    throw badRequest('invalid_body', 'The callback body must be a JSON object.');
  }
  const payload = cb.body as Record<string, unknown>;
  const token = cb.headers['x-callback-token'];
  const valid =
    gateway === 'midtrans'
      ? midtransSignatureValid(payload, deps.config.MIDTRANS_SERVER_KEY)
      : xenditTokenValid(typeof token === 'string' ? token : '', deps.config.XENDIT_CALLBACK_TOKEN);
  let facts = gateway === 'midtrans' ? midtransFacts(payload) : xenditFacts(payload);
  if (!valid) {
    await recordCallback(deps, cb, 'forged', facts, null);
    throw gateway === 'midtrans'
      ? new AppError(401, 'invalid_signature', 'The signature_key does not match.')
      : new AppError(403, 'invalid_callback_token', 'The x-callback-token does not match.');
  }
  const payment = (await deps
    .db('payments')
    .where({ gateway, attemptRef: facts.attemptRef })
    .first('id', 'invoiceId')) as Pick<PaymentRow, 'id' | 'invoiceId'> | undefined;
  if (!payment) {
    await recordCallback(deps, cb, 'unknown_reference', facts, null);
    return 'Ignored: not one of our payments.';
  }
  if (gateway === 'midtrans' && deps.config.MIDTRANS_VERIFY_STATUS && facts.paid) {
    const confirmed = await deps.gateways.midtrans.status(facts.attemptRef).catch(() => undefined);
    if (confirmed === undefined) {
      // Midtrans retries a notification answered with anything but 2xx: a 200 here would lose it.
      await recordCallback(deps, cb, 'unverified', facts, payment.id, 'status API did not answer');
      throw unavailable(
        'gateway_unavailable',
        'The payment could not be verified with Midtrans right now; send the notification again.',
        30,
      );
    }
    if (!confirmed || !confirmed.paid) {
      await recordCallback(
        deps,
        cb,
        'unconfirmed',
        facts,
        payment.id,
        'status API does not confirm a paid transaction',
      );
      return 'Recorded; not confirmed as paid.';
    }
    facts = confirmed;
  }
  if (!facts.paid) {
    await recordCallback(deps, cb, 'not_paid', facts, payment.id);
    return 'Recorded.';
  }
  if (facts.amountMinor === null || facts.currency === null) {
    await recordCallback(deps, cb, 'invalid_amount', facts, payment.id);
    return 'Recorded; the amount could not be read.';
  }
  if (!(await recordCallback(deps, cb, 'accepted', facts, payment.id))) {
    await recordCallback(deps, cb, 'duplicate', facts, payment.id);
    return 'Already received.';
  }
  const signal: PaidSignal = {
    amountMinor: facts.amountMinor.toString(),
    currency: facts.currency,
    gateway,
    reference: facts.gatewayReference,
    attemptRef: facts.attemptRef,
  };
  try {
    // Bounded: a gateway that waits too long drops the callback (Xendit never retries a timeout),
    // while a 503 is sent again; a duplicate of a payment that did land is skipped by reference.
    await workflowAnswer(deps.temporal, deps.config.PAYMENT_CALLBACK_ANSWER_MS, () =>
      deliverPayment(deps, payment.invoiceId, signal),
    );
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
    throw unavailable('try_again', 'The payment could not be processed right now; please retry.', 5);
  }
  return 'Payment received.';
}

/** Signals the invoice's waiting workflow; once it has finished, a late-payment workflow credits the wallet. */
async function deliverPayment(deps: CoreDeps, invoiceId: number, signal: PaidSignal): Promise<void> {
  const invoice = (await deps.db('invoices').where({ id: invoiceId }).first('workflowId')) as Pick<
    InvoiceRow,
    'workflowId'
  >;
  try {
    if (!invoice.workflowId) throw new WorkflowNotFoundError('invoice has no workflow', '', undefined);
    await deps.temporal.workflow.getHandle(invoice.workflowId).signal(paidSignal, signal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // The invoice's workflow has finished (expired or paid otherwise): credit the wallet instead.
    await deps.temporal.workflow
      .start<typeof latePaymentWorkflow>('latePaymentWorkflow', {
        taskQueue: queueFor(deps.config, 'latePaymentWorkflow'),
        workflowId: latePaymentWorkflowId(signal.gateway, signal.attemptRef!),
        args: [{ invoiceId, payment: signal }],
        ...runOptions({
          staticSummary: `Late payment · ${money(signal.amountMinor, signal.currency)} by ${signal.gateway} for invoice #${invoiceId} · credited to the wallet`,
          staticDetails: `- **Invoice**: #${invoiceId}\n- **Gateway**: ${signal.gateway}\n- **Amount**: ${money(signal.amountMinor, signal.currency)}\n- **Why**: the invoice's workflow had finished (expired or paid otherwise)`,
        }),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      })
      .catch((e: unknown) => {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      });
  }
}

/**
 * Stores a callback with its verdict. An `accepted` one is stored only if it is the first for its
 * payment attempt: false when another was accepted before.
 */
async function recordCallback(
  deps: Pick<CoreDeps, 'db'>,
  cb: GatewayCallback,
  verdict: CallbackVerdict,
  facts: Partial<CallbackFacts> | null,
  paymentId: number | null,
  note?: string,
): Promise<boolean> {
  const row = {
    gateway: cb.gateway,
    attemptRef: facts?.attemptRef ?? null,
    paymentId,
    verdict,
    transactionStatus: facts?.transactionStatus ?? null,
    amount: facts?.amountText ?? null,
    currency: facts?.currency ?? null,
    rawBody: cb.rawBody.slice(0, 65_536),
    headers: JSON.stringify(redact(cb.headers)),
    note: note ?? null,
  };
  const insert = deps.db('paymentCallbacks').insert(row);
  if (verdict !== 'accepted') {
    await insert;
    return true;
  }
  const inserted = (await insert
    .onConflict(deps.db.raw("(gateway, attempt_ref) WHERE verdict = 'accepted'"))
    .ignore()
    .returning('id')) as unknown[];
  return inserted.length > 0;
}
