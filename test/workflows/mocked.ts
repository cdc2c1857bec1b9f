import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Activities } from '../../activities';
import { installRuntime } from '../../src/temporal/runtime';
import { type OrderInput, registrarTaskQueue } from '../../workflows/contracts';
import { workflowBundle } from '../harness';
import { silentLog } from '../helpers';
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
    t.client = new Client({ connection, namespace: poolNamespace() });
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
): Promise<{ worker: Pick<Worker, 'runUntil'>; taskQueue: string }> {
  const taskQueue = `unit-${randomUUID()}`;
  const worker = await Worker.create({
    connection: t.workerConnection,
    namespace: poolNamespace(),
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const registrar = await Worker.create({
    connection: t.workerConnection,
    namespace: poolNamespace(),
    taskQueue: registrarTaskQueue(taskQueue),
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
