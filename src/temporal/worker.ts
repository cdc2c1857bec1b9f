import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { TASK_QUEUE } from '../../workflows/contracts';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
}

/** The workflows' entry: index.ts under tsx and tests, index.js in a compiled build. */
export const workflowsPath = ((): string => {
  const base = path.join(__dirname, '..', '..', 'workflows', 'index');
  const found = ['.ts', '.js'].map((ext) => base + ext).find((file) => existsSync(file));
  if (!found) throw new Error(`no workflows entry at ${base}.{ts,js}`);
  return found;
})();

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    // As many non-sticky as sticky workflow-task pollers: with the default 0.2, a burst of new
    // workflows waited seconds for the one non-sticky poller.
    nonStickyToStickyPollRatio: 1,
    activities: createActivities(opts.deps),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    ...(opts.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions }
      : {}),
  });
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
