/** The task queues' kinds and names, shared by the API, the worker and the workflows. Workflow-safe. */

/**
 * Kinds of work, each on its own task queue so that a flood of one cannot hold up another:
 * provisioning (orders, renewals, transfers, top-ups, domain and DNS operations, and their
 * registrar steps), webhooks (deliveries and test events), default (reminders, retention,
 * reviews, the doctor's ping). Workflow → kind: WORKFLOW_QUEUE_KIND in workflows/queues.ts.
 */
export const TASK_QUEUE_KINDS = ['provisioning', 'webhooks', 'default'] as const;
export type TaskQueueKind = (typeof TASK_QUEUE_KINDS)[number];
export type TaskQueues = Readonly<Record<TaskQueueKind, string>>;

/**
 * The queue names unless configured. `default` keeps the single queue's old name, so runs begun
 * before the split go on there.
 */
export const DEFAULT_TASK_QUEUES: TaskQueues = {
  provisioning: 'domain-provisioning',
  webhooks: 'webhooks',
  default: 'domain-reseller',
};
