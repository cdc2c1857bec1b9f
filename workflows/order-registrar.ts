import { ApplicationFailure, condition, setCurrentDetails, sleep } from '@temporalio/workflow';
import { OrderFailures } from './contracts';
import { failureMessage, failureType } from './failures';
import { type OrderRun, since } from './order-run';
import { registrarActivities } from './registrar-queue';
import { orderProgress, registerStepSummary, registrationLagProgress, transferProgress } from './summaries';

/* The order's registrar steps (step 3 of orderWorkflow): a registration settled from evidence, a transfer through its states. */

/** Registrar calls: bounded retries with backoff; rejections are final. */
export const registrar = registrarActivities({
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
export const registrarRead = registrarActivities({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/** What the registrar holds once an order is provisioned. */
export type Provisioned = { expiresAt: string | null; nameservers?: string[] | null };

/**
 * A registration: sent once; a lost answer is settled from evidence (domain_info, the account's
 * domain list), looked for again through the registrar's lag window, never by registering again
 * blindly. Then the nameservers, a step of their own: their failure does not undo the registration.
 */
export async function registration(run: OrderRun): Promise<Provisioned> {
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
export async function transfer(run: OrderRun): Promise<Provisioned> {
  await registrar().submitTransfer.executeWithOptions(
    { summary: `Submit the transfer of ${run.input.domain} with the reseller's auth code (not shown)` },
    [run.orderId],
  );
  if (since(run.input, 'transfer-states')) return transferStates(run);
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
    // Cancelled at someone's request: cancel_transfer once, then the order fails and its funds
    // are released (runs from before could not be asked).
    if (run.cancelRequest && since(run.input, 'transfer-cancel')) {
      const ended = await registrar().cancelTransferAtRegistrar.executeWithOptions(
        { summary: `Cancel the transfer of ${run.input.domain} at the registrar (cancel_transfer)` },
        [run.orderId, run.cancelRequest.by, run.cancelRequest.reason ?? null],
      );
      if (ended.state === 'completed') return { expiresAt: ended.expiresAt };
      if (ended.state === 'cancelled')
        throw ApplicationFailure.nonRetryable(
          `The transfer was cancelled at the request of ${run.cancelRequest.by}.`,
          OrderFailures.TransferCancelled,
        );
      // The registrar refused to cancel (recorded for review): the transfer goes on, funds held.
      run.cancelRequest = undefined;
    }
    if (!flagged && Date.now() >= deadline) {
      await run.books.flagStuckTransfer(run.orderId, t.state);
      flagged = true;
    }
    setCurrentDetails(transferProgress(t, run.input.transferPollSeconds * 1000, deadline, flagged));
    const asked = () => run.authCodes.length > 0 || run.cancelRequest !== undefined || run.checkRequested;
    // A flagged transfer is not polled again until someone acts: a new auth code, a cancel, or
    // a check (runs from before go on polling).
    if (flagged && since(run.input, 'transfer-flagged-waits')) await condition(asked);
    else await condition(asked, run.input.transferPollSeconds * 1000);
    run.checkRequested = false;
    if (run.authCodes.length > 0) {
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
