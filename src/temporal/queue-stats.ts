import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  registrarTaskQueue,
  TASK_QUEUE_KINDS,
  type TaskQueueKind,
  type TaskQueues,
} from '../../workflows/contracts';

export interface QueueBacklog {
  kind: TaskQueueKind;
  taskQueue: string;
  type: 'workflow' | 'activity';
  /** Tasks waiting for a worker (Temporal's approximate count). */
  backlog: number;
  /** How long the oldest waiting task has waited, in seconds. */
  oldestSeconds: number;
  /** Workers that polled it lately. */
  pollers: number;
  /** Their identities (`pid@host worker(kinds)` for ours). */
  identities: string[];
}

const { TaskQueueType } = temporal.api.enums.v1;

/**
 * Each task queue's backlog as the Temporal server reports it (DescribeTaskQueue with stats):
 * the workflow and activity tasks of every kind's queue, and the activity tasks of the registrar
 * queues beside provisioning and default.
 */
export async function queueBacklogs(
  connection: ConnectionLike,
  namespace: string,
  queues: TaskQueues,
): Promise<QueueBacklog[]> {
  const wanted: Array<Omit<QueueBacklog, 'backlog' | 'oldestSeconds' | 'pollers' | 'identities'>> = [];
  for (const kind of TASK_QUEUE_KINDS) {
    wanted.push({ kind, taskQueue: queues[kind], type: 'workflow' });
    wanted.push({ kind, taskQueue: queues[kind], type: 'activity' });
    if (kind !== 'webhooks')
      wanted.push({ kind, taskQueue: registrarTaskQueue(queues[kind]), type: 'activity' });
  }
  return Promise.all(
    wanted.map(async (q) => {
      const res = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: q.taskQueue },
        taskQueueType:
          q.type === 'workflow'
            ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
            : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        reportStats: true,
      });
      const age = res.stats?.approximateBacklogAge;
      return {
        ...q,
        backlog: Number(res.stats?.approximateBacklogCount ?? 0),
        oldestSeconds: age ? Number(age.seconds ?? 0) + (age.nanos ?? 0) / 1e9 : 0,
        pollers: res.pollers?.length ?? 0,
        identities: (res.pollers ?? []).map((p) => p.identity ?? '?').sort(),
      };
    }),
  );
}
