import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { afterAll, beforeAll, inject, vi } from 'vitest';
import type { Activities } from '../../activities';
import { installRuntime } from '../../src/temporal/runtime';
import { type InvoiceView, type OrderInput, registrarTaskQueue } from '../../workflows/contracts';
import { workflowBundle } from '../harness';
import { silentLog, testDataConverter } from '../helpers';
import { poolNamespace } from '../pool';

/*
 * What the workflow tests share: a client and a worker connection to the run's Temporal server
 * (opened before a file's tests, closed after), a worker per test on its own task queue running
 * the activities the test gives (mocks typed as the real ones), and an order's input.
 */

export interface MockedTemporal {
  client: Client;
  workerConnection: NativeConnection;
}

/** The file's connections; the object returned stands for them once `beforeAll` has run. */
export function useMockedTemporal(): MockedTemporal {
  const t = {} as MockedTemporal;
  let connection: Connection;
  beforeAll(async () => {
    installRuntime(silentLog);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    t.client = new Client({ connection, namespace: poolNamespace(), dataConverter: testDataConverter() });
    t.workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await t.workerConnection?.close();
    await connection?.close();
  });
  return t;
}

/**
 * A fresh worker on its own task queue, running these activities, and one on that queue's
 * registrar task queue (where the registrar steps are scheduled), run together.
 */
export async function mockedWorker(
  t: MockedTemporal,
  activities: Partial<Activities> | object,
  opts: { dataConverter?: DataConverter } = {},
): Promise<{ worker: Pick<Worker, 'runUntil'>; taskQueue: string }> {
  const dataConverter = opts.dataConverter ?? testDataConverter();
  const taskQueue = `unit-${randomUUID()}`;
  const worker = await Worker.create({
    connection: t.workerConnection,
    namespace: poolNamespace(),
    taskQueue,
    workflowBundle: await workflowBundle(),
    dataConverter,
    activities,
  });
  const registrar = await Worker.create({
    connection: t.workerConnection,
    namespace: poolNamespace(),
    taskQueue: registrarTaskQueue(taskQueue),
    dataConverter,
    activities,
  });
  return {
    worker: {
      runUntil: <R>(fnOrPromise: Promise<R> | (() => Promise<R>)) =>
        registrar.runUntil(() => worker.runUntil(fnOrPromise)),
    },
    taskQueue,
  };
}

/** A wallet registration's input; tests override what they look at. */
export function orderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    publicId: `ord_${randomUUID().slice(0, 8)}`,
    resellerId: 1,
    action: 'register',
    domain: 'unit-test.com',
    years: 1,
    paymentMethod: 'wallet',
    amountMinor: '1299',
    currency: 'USD',
    premium: false,
    idempotencyKey: null,
    fromExpiresAt: null,
    nameservers: [],
    contacts: null,
    privacy: null,
    autoRenew: null,
    sealedAuthCode: null,
    invoiceExpiresAt: null,
    transferPollSeconds: 1,
    gateway: null,
    ...overrides,
  };
}

export type Mocks = { [K in keyof Activities]: ReturnType<typeof vi.fn<Activities[K]>> };

export const ORDER_ID = 41;

export function invoice(expiresInMs: number, status: InvoiceView['status'] = 'unpaid'): InvoiceView {
  return {
    id: 7,
    publicId: 'inv_test',
    status,
    amountMinor: '1299',
    currency: 'USD',
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  };
}

/** Every activity the order workflow calls, answering as on the happy path; tests override some. */
export function mockActivities(): Mocks {
  const mocks = {
    openOrder: vi.fn(() => Promise.resolve({ id: ORDER_ID, createdAt: new Date().toISOString() })),
    holdFunds: vi.fn(() => Promise.resolve(undefined)),
    failOrder: vi.fn(() => Promise.resolve(undefined)),
    markProcessing: vi.fn(() => Promise.resolve(undefined)),
    provision: vi.fn(() => Promise.resolve({ expiresAt: '2027-12-01T00:00:00.000Z' })),
    findProvisioned: vi.fn(() => Promise.resolve(null)),
    registerDomain: vi.fn(() =>
      Promise.resolve({ state: 'registered' as const, expiresAt: '2027-12-01T00:00:00.000Z' }),
    ),
    settleRegistration: vi.fn(() => Promise.resolve({ state: 'absent' as const })),
    applyOrderNameservers: vi.fn(() => Promise.resolve(null)),
    recordNameserverFailure: vi.fn(() => Promise.resolve(undefined)),
    pollTransfer: vi.fn(() =>
      Promise.resolve({
        state: 'completed' as const,
        text: 'Transferred',
        message: null,
        expiresAt: '2027-12-01T00:00:00.000Z',
      }),
    ),
    resubmitTransferAuthCode: vi.fn(() => Promise.resolve(undefined)),
    flagStuckTransfer: vi.fn(() => Promise.resolve(undefined)),
    cancelTransferAtRegistrar: vi.fn(() => Promise.resolve({ state: 'cancelled' as const })),
    reconcileDomain: vi.fn(() => Promise.resolve({ done: true as const, state: 'synced' as const })),
    submitTransfer: vi.fn(() => Promise.resolve(undefined)),
    checkTransfer: vi.fn(() =>
      Promise.resolve({
        state: 'completed' as const,
        expiresAt: '2027-12-01T00:00:00.000Z',
      }),
    ),
    applyOrderPrivacy: vi.fn(() => Promise.resolve('full' as const)),
    recordPrivacyFailure: vi.fn(() => Promise.resolve(undefined)),
    recordRegistrarResult: vi.fn(() => Promise.resolve(undefined)),
    completeOrder: vi.fn(() => Promise.resolve({ domainId: 9, completedAt: new Date().toISOString() })),
    recordBillingFailure: vi.fn(() => Promise.resolve(undefined)),
    createInvoice: vi.fn(() => Promise.resolve(invoice(60_000))),
    createGatewayPayment: vi.fn(() =>
      Promise.resolve({
        gateway: 'midtrans',
        paymentUrl: 'https://pay.test/inv_test',
      }),
    ),
    payInvoiceFromWallet: vi.fn(() => Promise.resolve(invoice(60_000, 'paid'))),
    expireInvoice: vi.fn(() => Promise.resolve(true)),
    applyInvoicePayment: vi.fn(() => Promise.resolve('applied' as const)),
    recordPaymentMismatch: vi.fn(() => Promise.resolve(undefined)),
    creditUnappliedPayment: vi.fn(() => Promise.resolve(true)),
    startRegistrarFollowUp: vi.fn(() => Promise.resolve('started' as const)),
  };
  return mocks as unknown as Mocks;
}
