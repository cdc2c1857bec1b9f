import {
  ApplicationFailure,
  condition,
  patched,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  BILLING_REVIEW_MESSAGE,
  type CompletedOrder,
  type OpenedOrder,
  OrderFailures,
  OrderIdAttr,
  type OrderInput,
  type OrderResult,
} from './contracts';
import { failureMessage, failureType } from './failures';
import { awaitInvoicePayment, issueGatewayPayment } from './invoices';
import { db, OrderRun } from './order-run';
import { registrarActivities } from './registrar-queue';
import { orderProgress, registerStepSummary, registrationLagProgress, transferProgress } from './summaries';

/** Registrar calls: bounded retries with backoff; rejections are final. */
const registrar = registrarActivities({
  startToCloseTimeout: '2 minutes',
  // The activities heartbeat every 3 s: a worker that dies mid-call is noticed within 15 s.
  heartbeatTimeout: '15 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [OrderFailures.RegistrarRejected],
  },
});

/** Read-only registrar checks used to settle an unknown outcome: retried until they answer. */
const registrarRead = registrarActivities({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

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
  upsertSearchAttributes([{ key: OrderIdAttr, value: run.input.publicId }]);
  return true;
}

/** 2. Collect the payment: a wallet hold, or the invoice paid before it expires; false when the order ends here. */
async function collectPayment(run: OrderRun): Promise<boolean> {
  const { orderId } = run;
  if (run.input.paymentMethod === 'wallet') {
    try {
      await run.books.holdFunds(orderId);
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

type Provisioned = { expiresAt: string | null; nameservers?: string[] | null };

/** 3. Provision at the registrar; on failure, compensate and answer null. */
async function provision(run: OrderRun): Promise<Provisioned | null> {
  const { orderId } = run;
  run.setStatus('processing');
  await run.books.markProcessing(orderId);
  try {
    if (run.input.action === 'transfer') return await transfer(run);
    if (run.input.action === 'register' && patched('register-lag-window')) return await registration(run);
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
    const code =
      failureType(err) === OrderFailures.RegistrarRejected ? 'registrar_rejected' : 'registrar_failed';
    await compensate(run, code, failureMessage(err));
    return null;
  }
}

/**
 * A registration: sent once; a lost answer is settled from evidence (domain_info, the account's
 * domain list), looked for again through the registrar's lag window, never by registering again
 * blindly. Then the nameservers, a step of their own: their failure does not undo the registration.
 */
async function registration(run: OrderRun): Promise<Provisioned> {
  for (let check = 1; ; check += 1) {
    let outcome;
    try {
      outcome = await registrar().registerDomain.executeWithOptions(
        { summary: registerStepSummary(run.input) },
        [run.orderId],
      );
    } catch (err) {
      if (failureType(err) === OrderFailures.RegistrarRejected) throw err;
      // Retries exhausted on transient faults: settle from evidence before failing.
      outcome = await registrarRead().settleRegistration.executeWithOptions(
        { summary: `Look for ${run.input.domain} in the registrar account: the answer was lost` },
        [run.orderId],
      );
      if (outcome.state === 'absent')
        throw ApplicationFailure.nonRetryable(failureMessage(err), OrderFailures.RegistrarUnavailable);
    }
    if (outcome.state === 'registered') {
      let nameservers: string[] | null = null;
      // Only nameservers the order asked for are a step (and a registrar call) of their own.
      if (run.input.nameservers.length > 0) {
        try {
          nameservers = await registrar().applyOrderNameservers.executeWithOptions(
            { summary: `Set the nameservers of ${run.input.domain}: ${run.input.nameservers.join(', ')}` },
            [run.orderId],
          );
        } catch (err) {
          await run.books.recordNameserverFailure(run.orderId, failureMessage(err));
          nameservers = [];
        }
      }
      return { expiresAt: outcome.expiresAt, nameservers };
    }
    setCurrentDetails(registrationLagProgress(run.input.domain, check, outcome.waitSeconds));
    await sleep(outcome.waitSeconds * 1000);
    setCurrentDetails(orderProgress(run.state));
  }
}

/** A transfer: submitted once, then polled until the registrar completes or refuses it. */
async function transfer(run: OrderRun): Promise<Provisioned> {
  await registrar().submitTransfer.executeWithOptions(
    { summary: `Submit the transfer of ${run.input.domain} with the reseller's auth code (not shown)` },
    [run.orderId],
  );
  if (patched('transfer-states')) return transferStates(run);
  for (;;) {
    const transfer = await registrarRead().checkTransfer(run.orderId);
    if (transfer.state === 'completed') return { expiresAt: transfer.expiresAt };
    if (transfer.state !== 'pending') {
      throw ApplicationFailure.nonRetryable(
        `The transfer ended ${transfer.state}.`,
        OrderFailures.RegistrarRejected,
      );
    }
    await sleep(run.input.transferPollSeconds * 1000);
  }
}

/**
 * The transfer through the registrar's states: each change is on the order and told to the
 * reseller; a new auth code from them (signal) goes to the registrar; past the deadline the
 * transfer goes to the review queue once, its funds still held, and polling goes on.
 */
async function transferStates(run: OrderRun): Promise<Provisioned> {
  const deadline = Date.now() + (run.input.transferDeadlineHours ?? 240) * 3_600_000;
  let flagged = false;
  for (;;) {
    const t = await registrarRead().pollTransfer.executeWithOptions(
      { summary: `Read the transfer state of ${run.input.domain} (get_transfer_status)` },
      [run.orderId],
    );
    run.state.transferStatus = t.state;
    if (t.state === 'completed') return { expiresAt: t.expiresAt };
    if (t.state === 'cancelled' || t.state === 'failed')
      throw ApplicationFailure.nonRetryable(
        `The transfer ended ${t.state}${t.text ? ` (${t.text})` : ''}.`,
        OrderFailures.RegistrarRejected,
      );
    if (!flagged && Date.now() >= deadline) {
      await run.books.flagStuckTransfer(run.orderId, t.state);
      flagged = true;
    }
    setCurrentDetails(transferProgress(t, run.input.transferPollSeconds * 1000, deadline, flagged));
    if (await condition(() => run.authCodes.length > 0, run.input.transferPollSeconds * 1000)) {
      const code = run.authCodes.shift()!;
      try {
        await registrar().resubmitTransferAuthCode.executeWithOptions(
          {
            summary: `Send the reseller's new auth code for ${run.input.domain} to the registrar (not shown)`,
          },
          [run.orderId, code.sealedAuthCode],
        );
      } catch (err) {
        if (failureType(err) !== OrderFailures.RegistrarRejected) throw err;
        // A refused code: the transfer still waits for a valid one.
      }
    }
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
  if (input.action !== 'renew' && input.privacy && patched('order-privacy-at-registrar')) {
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
  try {
    // Runs begun before completeOrder answered with the domain got nothing back.
    const completed = (await run.capture.completeOrder(orderId)) as CompletedOrder | undefined;
    run.state.expiresAt = result.expiresAt;
    if (completed) {
      run.state.domainId = completed.domainId;
      run.state.completedAt = completed.completedAt;
    }
    run.setStatus('completed');
  } catch (err) {
    await run.books.recordBillingFailure(orderId, failureMessage(err));
    run.setStatus('billing_failed', { code: 'billing_failed', message: BILLING_REVIEW_MESSAGE });
  }
  if (run.state.invoice) await run.creditStragglers(run.state.invoice.id, 'invoice_already_paid');
}
