import { ApplicationFailure, condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  BILLING_REVIEW_MESSAGE,
  type CompletedOrder,
  type OpenedOrder,
  OrderFailures,
  OrderIdAttr,
  type OrderInput,
  type OrderResult,
} from './contracts';
import { failureCode, failureMessage, failureType } from './failures';
import { awaitInvoicePayment, issueGatewayPayment } from './invoices';
import { followUpAtRegistrar } from './domain-reconcile';
import { db, OrderRun, since } from './order-run';
import { type Provisioned, registrar, registrarRead, registration, transfer } from './order-registrar';

/**
 * One order (register, renew or transfer), in steps: open the order row → collect the payment
 * (a wallet hold, or an unpaid invoice paid by signal or from the wallet before it expires) →
 * provision at the registrar (idempotent: the activity asks the registrar whether an earlier
 * attempt already took effect) → capture and record in one transaction. A registrar failure is
 * compensated (the hold voided, a paid invoice refunded to the wallet); a billing failure after
 * the registrar's success is kept for review.
 */
export async function orderWorkflow(input: OrderInput): Promise<OrderResult> {
  const run = new OrderRun(input);
  if (!(await open(run))) return run.finish();
  if (!(await collectPayment(run))) return run.finish();
  const provisioned = await provision(run);
  if (provisioned) await captureAndRecord(run, provisioned);
  return run.finish();
}

/** 1. Open the order row (unique per live domain acquisition); false when refused. */
async function open(run: OrderRun): Promise<boolean> {
  let opened: OpenedOrder | number;
  try {
    opened = await run.books.openOrder(run.input, workflowInfo().workflowId);
  } catch (err) {
    const type = failureType(err);
    if (type !== OrderFailures.OrderInProgress && type !== OrderFailures.DomainUnavailable) throw err;
    run.refuse(
      type === OrderFailures.OrderInProgress ? 'order_in_progress' : 'domain_unavailable',
      failureMessage(err),
    );
    return false;
  }
  // Runs begun before openOrder answered with the row's creation time got its id alone.
  if (typeof opened === 'number') run.state.orderId = opened;
  else {
    run.state.orderId = opened.id;
    run.state.createdAt = opened.createdAt;
  }
  // Steps 2: the starter gave the run its OrderId (it is the input's publicId).
  if (run.input.stepsVersion !== 2) upsertSearchAttributes([{ key: OrderIdAttr, value: run.input.publicId }]);
  return true;
}

/** 2. Collect the payment: a wallet hold, or the invoice paid before it expires; false when the order ends here. */
async function collectPayment(run: OrderRun): Promise<boolean> {
  const { orderId } = run;
  if (run.input.paymentMethod === 'wallet') {
    try {
      // Steps 2: the hold and the move to processing in one transaction (provision skips its own).
      if (run.input.stepsVersion === 2) await run.books.holdFunds(orderId, 'processing');
      else await run.books.holdFunds(orderId);
    } catch (err) {
      if (failureType(err) !== OrderFailures.InsufficientBalance) throw err;
      const message = 'The wallet balance does not cover this order.';
      await run.books.failOrder(orderId, 'insufficient_balance', message);
      run.refuse('insufficient_balance', message);
      return false;
    }
    run.state.status = 'processing';
    run.accept();
    return true;
  }

  const invoice = await db.createInvoice(orderId);
  run.state.invoice = await issueGatewayPayment(db, invoice, run.input.gateway);
  run.setStatus('awaiting_payment');
  run.accept();
  const paid = await awaitInvoicePayment(db, invoice, run.incoming, {
    settledElsewhere: () => run.payment !== undefined,
    busy: () => run.walletPaymentInFlight,
  });
  if (paid) {
    run.payment = paid;
    run.state.invoice = { ...run.state.invoice, status: 'paid', gateway: paid.gateway };
  }
  if (run.payment === undefined) {
    if (await db.expireInvoice(orderId)) {
      run.state.invoice = { ...run.state.invoice, status: 'expired' };
      run.setStatus('cancelled', { code: 'invoice_expired', message: 'The invoice expired unpaid.' });
      await run.creditStragglers(invoice.id, 'invoice_expired');
      return false;
    }
    // Paid from the wallet at the last moment: carry on with that payment.
    await condition(() => run.payment !== undefined);
  }
  return true;
}

/** 3. Provision at the registrar; on failure, compensate and answer null. */
async function provision(run: OrderRun): Promise<Provisioned | null> {
  const { orderId } = run;
  run.setStatus('processing');
  if (run.input.paymentMethod !== 'wallet' || run.input.stepsVersion !== 2)
    await run.books.markProcessing(orderId);
  try {
    if (run.input.action === 'transfer') return await transfer(run);
    if (run.input.action === 'register' && since(run.input, 'register-lag-window'))
      return await registration(run);
    try {
      return await registrar().provision(orderId);
    } catch (err) {
      if (failureType(err) === OrderFailures.RegistrarRejected) throw err;
      // Retries exhausted on transient faults: the outcome is unknown, so ask before failing.
      const settled = await registrarRead().findProvisioned(orderId);
      if (!settled)
        throw ApplicationFailure.nonRetryable(failureMessage(err), OrderFailures.RegistrarUnavailable);
      return settled;
    }
  } catch (err) {
    // A refusal that says why (taken, premium) answers as the API's pre-check would have.
    const code =
      failureType(err) === OrderFailures.TransferCancelled
        ? 'transfer_cancelled'
        : failureType(err) === OrderFailures.RegistrarRejected
          ? (failureCode(err) ?? 'registrar_rejected')
          : 'registrar_failed';
    await compensate(run, code, failureMessage(err));
    return null;
  }
}

/** Compensation for a registrar failure: void the hold or refund a paid invoice; the order fails. */
async function compensate(run: OrderRun, code: string, message: string): Promise<void> {
  await run.books.failOrder(run.orderId, code, message);
  run.setStatus('failed', { code, message });
  if (run.state.invoice) await run.creditStragglers(run.state.invoice.id, 'order_failed');
}

/**
 * 4. Capture and record: privacy set at the registrar when asked for, the registrar's result
 * stored first (so it is never lost), then the capture, domain, ledger and audit in one
 * transaction; a billing failure is kept for review.
 */
async function captureAndRecord(run: OrderRun, result: Provisioned): Promise<void> {
  const { orderId, input } = run;
  // The registrar takes privacy only once the domain is in the account. (Without a request,
  // nothing extra is asked of the registrar; sync records drift.)
  let privacy: 'full' | 'partial' | 'off' | null = null;
  if (input.action !== 'renew' && input.privacy && since(input, 'order-privacy-at-registrar')) {
    try {
      privacy = await registrar().applyOrderPrivacy.executeWithOptions(
        { summary: `Set privacy ${input.privacy} on ${input.domain} at the registrar` },
        [orderId],
      );
    } catch (err) {
      await run.books.recordPrivacyFailure(orderId, failureMessage(err));
      privacy = 'off';
    }
  }
  await run.books.recordRegistrarResult(orderId, { ...result, privacy });
  let recorded: CompletedOrder | undefined;
  try {
    // Runs begun before completeOrder answered with the domain got nothing back.
    const completed = (await run.capture.completeOrder(orderId)) as CompletedOrder | undefined;
    run.state.expiresAt = result.expiresAt;
    if (completed) {
      run.state.domainId = completed.domainId;
      run.state.completedAt = completed.completedAt;
    }
    recorded = completed;
    run.setStatus('completed');
  } catch (err) {
    await run.books.recordBillingFailure(orderId, failureMessage(err));
    run.setStatus('billing_failed', { code: 'billing_failed', message: BILLING_REVIEW_MESSAGE });
  }
  if (run.state.invoice) await run.creditStragglers(run.state.invoice.id, 'invoice_already_paid');
  // The registrar does not show a registration at once: our record answers until a follow-up
  // sees it there (runs from before this step did not start one; runs before steps 2 start it as
  // a child, which costs this run a task more).
  if (input.action === 'register' && recorded?.domainId && since(input, 'registrar-follow-up')) {
    const followUp = {
      domainId: recorded.domainId,
      domain: input.domain,
      resellerId: input.resellerId,
      // Runs whose completeOrder answered no lag look at once (the activity then says to wait).
      ...(recorded.followUp?.firstLookAfterMs
        ? { firstLookAfterMs: recorded.followUp.firstLookAfterMs }
        : {}),
    };
    if (input.stepsVersion === 2) await run.books.startRegistrarFollowUp(followUp, workflowInfo().taskQueue);
    else await followUpAtRegistrar(followUp);
  }
}
