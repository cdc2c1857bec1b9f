import type * as all from './all';
import type { TaskQueueKind, TaskQueues } from './contracts';

/** The kind of work of each workflow type: the task queue it is started on (TASK_QUEUE_KINDS). */
export const WORKFLOW_QUEUE_KIND = {
  orderWorkflow: 'provisioning',
  topupWorkflow: 'provisioning',
  latePaymentWorkflow: 'provisioning',
  domainOperationWorkflow: 'provisioning',
  domainReconcileWorkflow: 'provisioning',
  contactPushWorkflow: 'provisioning',
  bulkJobWorkflow: 'provisioning',
  dnsZoneWorkflow: 'provisioning',
  webhookDeliveryWorkflow: 'webhooks',
  webhookTestWorkflow: 'webhooks',
  expiryRemindersWorkflow: 'default',
  apiLogRetentionWorkflow: 'default',
  dataExportWorkflow: 'default',
  billingReviewWorkflow: 'default',
  pingWorkflow: 'default',
} as const satisfies Record<keyof typeof all, TaskQueueKind>;

export type WorkflowType = keyof typeof WORKFLOW_QUEUE_KIND;

/** The task queue a workflow type is started on. */
export const taskQueueOf = (queues: TaskQueues, workflowType: WorkflowType): string =>
  queues[WORKFLOW_QUEUE_KIND[workflowType]];
