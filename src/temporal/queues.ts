import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { TaskQueues } from '../../workflows/contracts';
import { taskQueueOf, type WorkflowType } from '../../workflows/queues';

export type QueueConfig = Pick<
  Config,
  'TEMPORAL_QUEUE_PROVISIONING' | 'TEMPORAL_QUEUE_WEBHOOKS' | 'TEMPORAL_QUEUE_DEFAULT'
>;

/** The configured task queue of each kind of work. */
export const taskQueues = (config: QueueConfig): TaskQueues => ({
  provisioning: config.TEMPORAL_QUEUE_PROVISIONING,
  webhooks: config.TEMPORAL_QUEUE_WEBHOOKS,
  default: config.TEMPORAL_QUEUE_DEFAULT,
});

/** The task queue a workflow type is started on, by the configuration. */
export const queueFor = (config: QueueConfig, workflowType: WorkflowType): string =>
  taskQueueOf(taskQueues(config), workflowType);

/** A Temporal client and the task queue to start a workflow on. */
export interface WorkflowStarter {
  temporal: Client;
  taskQueue: string;
}
