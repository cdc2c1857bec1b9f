/** Webhook deliveries and test events. Workflow-safe: no Node built-ins. */

export interface WebhookDeliveryInput {
  jobId: string;
  /** The job's endpoint: when both are gone, the endpoint was deleted and nothing is owed. */
  endpointId?: number;
  backoffBaseSeconds: number;
  horizonSeconds: number;
  /** When retries stop (ISO): a first run's job creation + horizon (absent: the run's start + horizon). */
  deadline?: string;
}

export const webhookDeliveryWorkflowId = (jobId: string, run: number): string => `webhook:${jobId}:${run}`;

/** A one-off signed `webhook.test` delivery to one endpoint, sent on request. */
export interface WebhookTestInput {
  jobId: string;
  endpointId: number;
}

export const webhookTestWorkflowId = (jobId: string): string => `webhook-test:${jobId}`;
