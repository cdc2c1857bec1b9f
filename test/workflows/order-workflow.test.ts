import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { latePaymentWorkflow, orderWorkflow } from '../../workflows';
import {
  BILLING_REVIEW_MESSAGE,
  OrderFailures,
  type OrderInput,
  type OrderResult,
  type PaidSignal,
  registrarTaskQueue,
} from '../../workflows/contracts';
import {
  acceptanceUpdate,
  cancelTransferSignal,
  checkTransferSignal,
  paidSignal,
  transferAuthCodeSignal,
} from '../../workflows/messages';
import {
  invoice,
  mockActivities,
  mockedWorker,
  type Mocks,
  ORDER_ID,
  orderInput,
  useMockedTemporal,
} from './mocked';

/*
 * The order workflow on its own: its steps run against mocked activities (typed as the real
 * ones) on the test Temporal server, one worker per test on its own task queue. What is checked is
 * the workflow's decisions: which step runs, which compensation, what the order ends as.
 * Timers are real (the dev server has no time skipping), so the invoices here expire in about a
 * second instead of the configured hours.
 */

const t = useMockedTemporal();

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i += 1) await new Promise((res) => setTimeout(res, 50));
  expect(check()).toBe(true);
}

/** Runs one order workflow to its end on a fresh worker with these activities. */
async function runOrder(
  activities: Mocks,
  input: OrderInput,
  during?: (workflowId: string) => Promise<void>,
): Promise<OrderResult> {
  const { worker, taskQueue } = await mockedWorker(t, activities);
  const workflowId = `unit-order-${randomUUID()}`;
  return worker.runUntil(async () => {
    const handle = await t.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
    });
    await during?.(workflowId);
    return handle.result();
  });
}

const payment = (reference: string, amountMinor = '1299'): PaidSignal => ({
  amountMinor,
  currency: 'USD',
  gateway: 'midtrans',
  reference,
  attemptRef: `inv_test-${reference}`,
});

describe('the order workflow, step by step', () => {
  it('a wallet order opens, holds, provisions, captures and completes, in that order', async () => {
    const a = mockActivities();
    const result = await runOrder(a, orderInput());
    expect(result.status).toBe('completed');
    expect(result.order).toMatchObject({
      orderId: ORDER_ID,
      domainId: 9,
      expiresAt: '2027-12-01T00:00:00.000Z',
    });
    const steps = [
      a.openOrder,
      a.holdFunds,
      a.markProcessing,
      a.registerDomain,
      a.recordRegistrarResult,
      a.completeOrder,
    ];
    const calledAt = steps.map((fn) => fn.mock.invocationCallOrder[0]!);
    expect(calledAt).toEqual([...calledAt].sort((x, y) => x - y));
    expect(a.completeOrder).toHaveBeenCalledTimes(1);
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('steps 2: the hold and processing are one step, and the follow-up starts without a child or a task more', async () => {
    const a = mockActivities();
    a.completeOrder.mockResolvedValue({
      domainId: 9,
      completedAt: new Date().toISOString(),
      followUp: { domain: 'example.com', resellerId: 1, firstLookAfterMs: 1_800_000 },
    });
    const { worker, taskQueue } = await mockedWorker(t, a);
    const workflowId = `unit-order-${randomUUID()}`;
    const input = orderInput({ stepsVersion: 2 });
    const result = await worker.runUntil(
      t.client.workflow.execute<typeof orderWorkflow>('orderWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
      }),
    );
    expect(result.status).toBe('completed');
    expect(a.holdFunds).toHaveBeenCalledWith(ORDER_ID, 'processing');
    expect(a.markProcessing).not.toHaveBeenCalled();
    expect(a.startRegistrarFollowUp).toHaveBeenCalledTimes(1);
    expect(a.startRegistrarFollowUp).toHaveBeenCalledWith(
      { domainId: 9, domain: input.domain, resellerId: input.resellerId, firstLookAfterMs: 1_800_000 },
      taskQueue,
    );
    const events = (await t.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    // One task takes the order in; the second, after the registration, ends it.
    expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(2);
  });

  it('an unfunded wallet order is refused at acceptance and nothing reaches the registrar', async () => {
    const a = mockActivities();
    a.holdFunds.mockRejectedValue(
      ApplicationFailure.nonRetryable('Insufficient balance', OrderFailures.InsufficientBalance),
    );
    const { worker, taskQueue } = await mockedWorker(t, a);
    const acceptance = await worker.runUntil(
      t.client.workflow.executeUpdateWithStart(acceptanceUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
          taskQueue,
          workflowId: `unit-order-${randomUUID()}`,
          args: [orderInput()],
          workflowIdConflictPolicy: 'FAIL',
        }),
      }),
    );
    expect(acceptance).toEqual({
      accepted: false,
      code: 'insufficient_balance',
      message: 'The wallet balance does not cover this order.',
    });
    expect(a.failOrder).toHaveBeenCalledWith(ORDER_ID, 'insufficient_balance', expect.any(String));
    expect(a.provision).not.toHaveBeenCalled();
  });

  it('accepts an invoice order with where to pay, before anything is paid', async () => {
    const a = mockActivities();
    const { worker, taskQueue } = await mockedWorker(t, a);
    const workflowId = `unit-order-${randomUUID()}`;
    const acceptance = await worker.runUntil(async () => {
      const answer = await t.client.workflow.executeUpdateWithStart(acceptanceUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
          taskQueue,
          workflowId,
          args: [orderInput({ paymentMethod: 'invoice' })],
          workflowIdConflictPolicy: 'FAIL',
        }),
      });
      await t.client.workflow.getHandle(workflowId).terminate('test done');
      return answer;
    });
    expect(acceptance).toMatchObject({
      accepted: true,
      status: 'awaiting_payment',
      invoice: { publicId: 'inv_test', gateway: 'midtrans', paymentUrl: 'https://pay.test/inv_test' },
      order: { status: 'awaiting_payment', action: 'register', domain: 'unit-test.com' },
    });
  });

  it('an invoice left unpaid expires: the order is cancelled and never provisioned', async () => {
    const a = mockActivities();
    a.createInvoice.mockResolvedValue(invoice(1_000));
    const started = Date.now();
    const result = await runOrder(a, orderInput({ paymentMethod: 'invoice' }));
    expect(result).toMatchObject({ status: 'cancelled', failureCode: 'invoice_expired' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(a.expireInvoice).toHaveBeenCalledTimes(1);
    expect(a.markProcessing).not.toHaveBeenCalled();
    expect(a.provision).not.toHaveBeenCalled();
    expect(a.creditUnappliedPayment).not.toHaveBeenCalled();
  });

  it('a payment arriving while the invoice expires is credited to the wallet, not applied', async () => {
    const a = mockActivities();
    a.createInvoice.mockResolvedValue(invoice(800));
    let expiring: () => void = () => undefined;
    const expired = new Promise<void>((resolve) => (expiring = resolve));
    a.expireInvoice.mockImplementation(async () => {
      expiring();
      await new Promise((r) => setTimeout(r, 500));
      return true;
    });
    const result = await runOrder(a, orderInput({ paymentMethod: 'invoice' }), async (workflowId) => {
      await expired;
      await t.client.workflow.getHandle(workflowId).signal(paidSignal, payment('late-1'));
    });
    expect(result.status).toBe('cancelled');
    expect(a.applyInvoicePayment).not.toHaveBeenCalled();
    expect(a.creditUnappliedPayment).toHaveBeenCalledTimes(1);
    expect(a.creditUnappliedPayment).toHaveBeenCalledWith(7, payment('late-1'), 'invoice_expired');
    expect(a.provision).not.toHaveBeenCalled();
  });

  it('a payment after the workflow ended is credited once by the late-payment workflow', async () => {
    const a = mockActivities();
    const { worker, taskQueue } = await mockedWorker(t, a);
    const result = await worker.runUntil(
      t.client.workflow.execute<typeof latePaymentWorkflow>('latePaymentWorkflow', {
        taskQueue,
        workflowId: `unit-late-${randomUUID()}`,
        args: [{ invoiceId: 7, payment: payment('after-end') }],
      }),
    );
    expect(result).toEqual({ credited: true });
    expect(a.creditUnappliedPayment).toHaveBeenCalledTimes(1);
    expect(a.creditUnappliedPayment).toHaveBeenCalledWith(7, payment('after-end'), 'late_payment');
  });

  it('pays with the first matching payment; a second one and a wrong amount are never applied', async () => {
    const a = mockActivities();
    const result = await runOrder(a, orderInput({ paymentMethod: 'invoice' }), async (workflowId) => {
      const handle = t.client.workflow.getHandle(workflowId);
      await handle.signal(paidSignal, payment('short', '1000'));
      await handle.signal(paidSignal, payment('first'));
      await handle.signal(paidSignal, payment('second'));
    });
    expect(result.status).toBe('completed');
    expect(a.recordPaymentMismatch).toHaveBeenCalledWith(7, payment('short', '1000'));
    expect(a.applyInvoicePayment).toHaveBeenCalledTimes(1);
    expect(a.applyInvoicePayment).toHaveBeenCalledWith(7, payment('first'));
    expect(a.creditUnappliedPayment).toHaveBeenCalledWith(7, payment('second'), 'invoice_already_paid');
    expect(a.registerDomain).toHaveBeenCalledTimes(1);
  });

  it('a billing failure after the registrar succeeded is kept for review, once, with no compensation', async () => {
    const a = mockActivities();
    a.completeOrder.mockRejectedValue(
      ApplicationFailure.nonRetryable('relation "ledger" violates check xyz', OrderFailures.BillingFailed),
    );
    const result = await runOrder(a, orderInput());
    expect(result.status).toBe('billing_failed');
    // The reseller reads the review message; the internal error goes to the audit event only.
    expect(result.order?.failureMessage).toBe(BILLING_REVIEW_MESSAGE);
    expect(a.recordBillingFailure).toHaveBeenCalledWith(ORDER_ID, 'relation "ledger" violates check xyz');
    expect(a.completeOrder).toHaveBeenCalledTimes(1);
    expect(a.recordRegistrarResult).toHaveBeenCalledBefore(a.completeOrder);
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('a registrar rejection is compensated: the order fails, nothing is captured', async () => {
    const a = mockActivities();
    a.registerDomain.mockRejectedValue(
      ApplicationFailure.nonRetryable('Domain not available', OrderFailures.RegistrarRejected),
    );
    const result = await runOrder(a, orderInput());
    expect(result).toMatchObject({ status: 'failed', failureCode: 'registrar_rejected' });
    expect(a.registerDomain).toHaveBeenCalledTimes(1);
    expect(a.failOrder).toHaveBeenCalledWith(ORDER_ID, 'registrar_rejected', 'Domain not available');
    expect(a.settleRegistration).not.toHaveBeenCalled();
    expect(a.completeOrder).not.toHaveBeenCalled();
    expect(a.recordRegistrarResult).not.toHaveBeenCalled();
  });

  it('a paid invoice order the registrar rejects is compensated and a second payment goes to the wallet', async () => {
    const a = mockActivities();
    let rejecting: () => void = () => undefined;
    const provisioning = new Promise<void>((resolve) => (rejecting = resolve));
    a.registerDomain.mockImplementation(async () => {
      rejecting();
      await new Promise((r) => setTimeout(r, 300));
      throw ApplicationFailure.nonRetryable('Registry says no', OrderFailures.RegistrarRejected);
    });
    const result = await runOrder(a, orderInput({ paymentMethod: 'invoice' }), async (workflowId) => {
      const handle = t.client.workflow.getHandle(workflowId);
      await handle.signal(paidSignal, payment('paid-1'));
      await provisioning;
      await handle.signal(paidSignal, payment('paid-2'));
    });
    expect(result).toMatchObject({ status: 'failed', failureCode: 'registrar_rejected' });
    // failOrder refunds the paid invoice to the wallet (the activity's job); the second payment too.
    expect(a.failOrder).toHaveBeenCalledWith(ORDER_ID, 'registrar_rejected', 'Registry says no');
    expect(a.creditUnappliedPayment).toHaveBeenCalledWith(7, payment('paid-2'), 'order_failed');
    expect(a.completeOrder).not.toHaveBeenCalled();
  });

  it('a registration whose answer was lost is settled by asking the registrar, not by failing', async () => {
    const a = mockActivities();
    a.registerDomain.mockRejectedValue(
      ApplicationFailure.nonRetryable('gateway timeout', OrderFailures.RegistrarUnavailable),
    );
    a.settleRegistration.mockResolvedValue({ state: 'registered', expiresAt: '2028-01-01T00:00:00.000Z' });
    const result = await runOrder(a, orderInput());
    expect(result.status).toBe('completed');
    expect(a.settleRegistration).toHaveBeenCalledTimes(1);
    expect(a.recordRegistrarResult).toHaveBeenCalledWith(ORDER_ID, {
      expiresAt: '2028-01-01T00:00:00.000Z',
      nameservers: null,
      privacy: null,
    });
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('an unsettled registration is looked at again after the wait, never failed or refunded meanwhile', async () => {
    const a = mockActivities();
    a.registerDomain
      .mockResolvedValueOnce({ state: 'unsettled', waitSeconds: 1 })
      .mockResolvedValueOnce({ state: 'registered', expiresAt: '2028-02-01T00:00:00.000Z' });
    const started = Date.now();
    const result = await runOrder(a, orderInput());
    expect(result.status).toBe('completed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(a.registerDomain).toHaveBeenCalledTimes(2);
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('a registrar that stays away with no evidence of the registration fails the order (refund)', async () => {
    const a = mockActivities();
    a.registerDomain.mockRejectedValue(
      ApplicationFailure.nonRetryable('connection failed', OrderFailures.RegistrarUnavailable),
    );
    const result = await runOrder(a, orderInput());
    expect(result).toMatchObject({ status: 'failed', failureCode: 'registrar_failed' });
    expect(a.settleRegistration).toHaveBeenCalledTimes(1);
    expect(a.completeOrder).not.toHaveBeenCalled();
  });

  it('nameservers are their own step: their failure keeps the registration and is recorded', async () => {
    const a = mockActivities();
    a.applyOrderNameservers.mockRejectedValue(
      ApplicationFailure.nonRetryable("'ns1.x' needs to be registered", OrderFailures.RegistrarRejected),
    );
    const result = await runOrder(a, orderInput({ nameservers: ['ns1.x.com', 'ns2.x.com'] }));
    expect(result.status).toBe('completed');
    expect(a.recordNameserverFailure).toHaveBeenCalledWith(ORDER_ID, "'ns1.x' needs to be registered");
    expect(a.recordRegistrarResult).toHaveBeenCalledWith(ORDER_ID, {
      expiresAt: '2027-12-01T00:00:00.000Z',
      nameservers: [],
      privacy: null,
    });
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('a transfer waits through none and auth_code_needed, passes a new code on, and completes', async () => {
    const a = mockActivities();
    let codeSent = false;
    const poll = (state: 'none' | 'auth_code_needed') =>
      Promise.resolve({ state, text: state, message: null, expiresAt: null });
    a.pollTransfer.mockImplementation(() =>
      codeSent
        ? Promise.resolve({
            state: 'completed',
            text: 'Transferred',
            message: null,
            expiresAt: '2029-01-01T00:00:00.000Z',
          })
        : a.pollTransfer.mock.calls.length <= 1
          ? poll('none')
          : poll('auth_code_needed'),
    );
    a.resubmitTransferAuthCode.mockImplementation(() => {
      codeSent = true;
      return Promise.resolve(undefined);
    });
    const result = await runOrder(
      a,
      orderInput({ action: 'transfer', sealedAuthCode: 'sealed-old' }),
      async (workflowId) => {
        await new Promise((r) => setTimeout(r, 1_500));
        await t.client.workflow
          .getHandle(workflowId)
          .signal(transferAuthCodeSignal, { sealedAuthCode: 'sealed-new' });
      },
    );
    expect(result.status).toBe('completed');
    expect(result.order?.expiresAt).toBe('2029-01-01T00:00:00.000Z');
    expect(a.resubmitTransferAuthCode).toHaveBeenCalledWith(ORDER_ID, 'sealed-new');
    expect(a.failOrder).not.toHaveBeenCalled();
    expect(a.flagStuckTransfer).not.toHaveBeenCalled();
  });

  it('a transfer past its deadline goes to review once, funds held, stops polling until asked, and still completes', async () => {
    const a = mockActivities();
    let done = false;
    a.pollTransfer.mockImplementation(() =>
      Promise.resolve(
        done
          ? { state: 'completed', text: 'Transferred', message: null, expiresAt: null }
          : { state: 'waiting', text: 'waiting', message: null, expiresAt: null },
      ),
    );
    const result = await runOrder(
      a,
      orderInput({ action: 'transfer', sealedAuthCode: 's', transferDeadlineHours: 1 / 3600 }),
      async (workflowId) => {
        await until(() => a.flagStuckTransfer.mock.calls.length === 1);
        const polls = a.pollTransfer.mock.calls.length;
        // Three poll intervals (1 s) pass without a poll: it waits for someone to act.
        await new Promise((res) => setTimeout(res, 3_000));
        expect(a.pollTransfer.mock.calls.length).toBe(polls);
        done = true;
        await t.client.workflow.getHandle(workflowId).signal(checkTransferSignal);
      },
    );
    expect(result.status).toBe('completed');
    expect(a.flagStuckTransfer).toHaveBeenCalledTimes(1);
    expect(a.flagStuckTransfer).toHaveBeenCalledWith(ORDER_ID, 'waiting');
    expect(a.failOrder).not.toHaveBeenCalled();
  });

  it('a cancelled transfer: cancel_transfer once, then the order fails transfer_cancelled and its hold is voided', async () => {
    const a = mockActivities();
    a.pollTransfer.mockImplementation(() =>
      Promise.resolve({ state: 'waiting', text: 'waiting', message: null, expiresAt: null }),
    );
    const result = await runOrder(
      a,
      orderInput({ action: 'transfer', sealedAuthCode: 's' }),
      async (workflowId) => {
        await until(() => a.pollTransfer.mock.calls.length > 0);
        const handle = t.client.workflow.getHandle(workflowId);
        await handle.signal(cancelTransferSignal, { by: 'reseller:1' });
        await handle.signal(cancelTransferSignal, { by: 'admin:2' });
      },
    );
    expect(result).toMatchObject({ status: 'failed', failureCode: 'transfer_cancelled' });
    expect(a.cancelTransferAtRegistrar).toHaveBeenCalledTimes(1);
    expect(a.cancelTransferAtRegistrar).toHaveBeenCalledWith(ORDER_ID, 'reseller:1', null);
    expect(a.failOrder).toHaveBeenCalledWith(
      ORDER_ID,
      'transfer_cancelled',
      expect.stringContaining('cancelled'),
    );
    expect(a.completeOrder).not.toHaveBeenCalled();
  });

  it('schedules the registrar steps on the registrar task queue, the rest on the workflow’s', async () => {
    const a = mockActivities();
    const { worker, taskQueue } = await mockedWorker(t, a);
    const workflowId = `unit-order-${randomUUID()}`;
    await worker.runUntil(
      t.client.workflow.execute<typeof orderWorkflow>('orderWorkflow', {
        taskQueue,
        workflowId,
        args: [orderInput({ nameservers: ['ns1.x.com'], privacy: 'full' })],
      }),
    );
    const history = await t.client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((x) => !!x)
      .map((x) => [x.activityType?.name, x.taskQueue?.name]);
    // (The bookkeeping steps are local activities: they schedule nothing on a queue.)
    const queue = registrarTaskQueue(taskQueue);
    expect(scheduled).toEqual([
      ['registerDomain', queue],
      ['applyOrderNameservers', queue],
      ['applyOrderPrivacy', queue],
    ]);
  });
});
