import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { registrarTaskQueue, type TaskQueueKind, type TaskQueues } from '../../workflows/contracts';
import type { Config } from '../config';
import type { AccountLimits } from '../registrar/account';
import { payloadConverterPath, workflowsModule } from './data-converter';
import { taskQueues } from './queues';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The activity functions (activities/createActivities), built by the process that runs the worker. */
  activities: object;
  /** The data converter every client and worker shares (data-converter.ts): payloads encrypted. */
  dataConverter: DataConverter;
  taskQueue: string;
  /** A prebuilt bundle (tests bundle once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
  /** Worker Deployment Versioning: this build's version in its deployment (absent: unversioned). */
  deployment?: WorkerDeployment | undefined;
  /** On shutdown, how long running activities may finish after polling stops (WORKER_SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number | undefined;
  /** What the server (and `doctor`) names this worker's pollers (default: the SDK's `pid@host`). */
  identity?: string | undefined;
}

/**
 * Shutdown: polling stops at once; running activities get `shutdownGraceMs` to finish, then are
 * cancelled; 10 s later the worker gives up on them (their attempts time out on the server and
 * run again elsewhere, under the same keys).
 */
function shutdownOptions(graceMs: number | undefined): Partial<WorkerOptions> {
  return graceMs === undefined ? {} : { shutdownGraceTime: graceMs, shutdownForceTime: graceMs + 10_000 };
}

export interface WorkerDeployment {
  name: string;
  buildId: string;
}

/**
 * The worker's deployment options: versioned, each workflow type with its behavior
 * (workflows/versioning.ts; PINNED for any type it does not name).
 */
export function deploymentOptions(deployment: WorkerDeployment | undefined): Partial<WorkerOptions> {
  if (!deployment) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: deployment.name, buildId: deployment.buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  };
}

/** The deployment of a worker from its configuration (WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID). */
export function configuredDeployment(config: {
  WORKER_DEPLOYMENT_NAME?: string | undefined;
  WORKER_BUILD_ID?: string | undefined;
}): WorkerDeployment | undefined {
  if (!config.WORKER_DEPLOYMENT_NAME) return undefined;
  if (!config.WORKER_BUILD_ID) throw new Error('WORKER_DEPLOYMENT_NAME is set without WORKER_BUILD_ID');
  return { name: config.WORKER_DEPLOYMENT_NAME, buildId: config.WORKER_BUILD_ID };
}

/** The workflows' entry: index.ts under tsx and tests, index.js in a compiled build. */
export const workflowsPath = workflowsModule('index');

/**
 * What a workflow bundle is made of: the workflows, the payload converter (readable summaries)
 * and the interceptors that mark summaries readable. Every bundle, built at a worker's start or
 * beforehand (tests, WORKFLOW_BUNDLE_PATH), is built from these.
 */
export const workflowCode = {
  workflowsPath,
  payloadConverterPath,
  workflowInterceptorModules: [workflowsModule('interceptors')],
};

/** A workflow bundle of this build's workflow code. */
export function bundleWorkflows(logger = Runtime.instance().logger) {
  return bundleWorkflowCode({ ...workflowCode, logger });
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    // As many non-sticky as sticky workflow-task pollers: with the default 0.2, a burst of new
    // workflows waited seconds for the one non-sticky poller.
    nonStickyToStickyPollRatio: 1,
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath, interceptors: { workflowModules: workflowCode.workflowInterceptorModules } }),
    ...(opts.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions }
      : {}),
    ...deploymentOptions(opts.deployment),
    ...shutdownOptions(opts.shutdownGraceMs),
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
}

/**
 * The registrar task queue's worker (activities only): at most the account's threads at once
 * in this worker, and a server-side limit of the account's calls per second for the whole queue,
 * whatever number of workers poll it. (The registrar client's shared limiter keeps the exact
 * count of calls, which may be several per activity.)
 */
export async function createRegistrarWorker(
  opts: Omit<CreateWorkerOptions, 'workflowBundle' | 'maxConcurrentActivityTaskExecutions'> & {
    limits: Pick<AccountLimits, 'threads' | 'callsPerWindow'> & { windowMs: number };
  },
): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: registrarTaskQueue(opts.taskQueue),
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    maxConcurrentActivityTaskExecutions: opts.limits.threads,
    maxTaskQueueActivitiesPerSecond: opts.limits.callsPerWindow / (opts.limits.windowMs / 1000),
    // In the same deployment version as the workflow worker: a versioned run's registrar steps
    // go to the registrar queue's pollers of its own version.
    ...deploymentOptions(opts.deployment),
    ...shutdownOptions(opts.shutdownGraceMs),
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
}

/** What one process polls: each kind of work's queue with its activity slots. */
export interface PolledQueue {
  kind: TaskQueueKind;
  taskQueue: string;
  slots: number;
}

/** The queues a worker polls by its configuration (WORKER_QUEUES, or the kinds given). */
export function polledQueues(
  config: Pick<
    Config,
    | 'TEMPORAL_QUEUE_PROVISIONING'
    | 'TEMPORAL_QUEUE_WEBHOOKS'
    | 'TEMPORAL_QUEUE_DEFAULT'
    | 'WORKER_QUEUES'
    | 'WORKER_PROVISIONING_SLOTS'
    | 'WORKER_WEBHOOKS_SLOTS'
    | 'WORKER_DEFAULT_SLOTS'
  >,
  kinds: readonly TaskQueueKind[] = config.WORKER_QUEUES,
): PolledQueue[] {
  const names: TaskQueues = taskQueues(config);
  const slots: Record<TaskQueueKind, number> = {
    provisioning: config.WORKER_PROVISIONING_SLOTS,
    webhooks: config.WORKER_WEBHOOKS_SLOTS,
    default: config.WORKER_DEFAULT_SLOTS,
  };
  return kinds.map((kind) => ({ kind, taskQueue: names[kind], slots: slots[kind] }));
}

/**
 * A process's workers: one per polled queue (every workflow and activity registered on each, so a
 * run finds its code whichever queue it was started on), each with its own activity slots, and the
 * registrar queue's worker beside provisioning, and beside default for the runs begun there before
 * the queues were split. The workflow code is bundled once for all of them.
 */
export async function createQueueWorkers(
  opts: Omit<CreateWorkerOptions, 'taskQueue' | 'maxConcurrentActivityTaskExecutions'> & {
    queues: readonly PolledQueue[];
    registrarLimits: Pick<AccountLimits, 'threads' | 'callsPerWindow'> & { windowMs: number };
  },
): Promise<Worker[]> {
  const workflowBundle = opts.workflowBundle ?? (await bundleWorkflows());
  const workers: Worker[] = [];
  for (const queue of opts.queues) {
    const base = {
      connection: opts.connection,
      namespace: opts.namespace,
      activities: opts.activities,
      dataConverter: opts.dataConverter,
      deployment: opts.deployment,
      shutdownGraceMs: opts.shutdownGraceMs,
      identity: opts.identity,
    };
    workers.push(
      await createWorker({
        ...base,
        taskQueue: queue.taskQueue,
        workflowBundle,
        maxConcurrentActivityTaskExecutions: queue.slots,
      }),
    );
    if (queue.kind !== 'webhooks')
      workers.push(
        await createRegistrarWorker({ ...base, taskQueue: queue.taskQueue, limits: opts.registrarLimits }),
      );
  }
  return workers;
}

/** Runs several workers as one: when one stops (or fails), the others are stopped too. */
export async function runWorkers(workers: readonly Worker[]): Promise<void> {
  const runs = workers.map((w) => w.run());
  try {
    await Promise.race(runs);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
  }
  await Promise.all(runs);
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
