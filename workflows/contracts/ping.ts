/** The doctor's ping: worker → database, through a workflow. Workflow-safe: no Node built-ins. */

export interface PingInput {
  message: string;
}

export interface PingResult {
  message: string;
  /** Postgres' clock as the worker's activity saw it: proves worker → database works. */
  databaseTime: string;
  workflowId: string;
}

export const pingWorkflowId = (nonce: string): string => `ping:${nonce}`;
