import { type ActivityOptions, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { registrarTaskQueue } from './contracts';

type Proxy = ReturnType<typeof proxyActivities<Activities>>;

/**
 * Registrar activities with these options, scheduled on the registrar task queue (beside the
 * workflow's own: `registrarTaskQueue`). Runs begun before that queue existed keep scheduling them
 * on the workflow's queue (the `registrar-task-queue` patch), so their histories replay.
 */
export function registrarActivities(options: ActivityOptions): () => Proxy {
  const onWorkflowQueue = proxyActivities<Activities>(options);
  let onRegistrarQueue: Proxy | undefined;
  return () => {
    if (!patched('registrar-task-queue')) return onWorkflowQueue;
    onRegistrarQueue ??= proxyActivities<Activities>({
      ...options,
      taskQueue: registrarTaskQueue(workflowInfo().taskQueue),
    });
    return onRegistrarQueue;
  };
}
