/** The API log retention schedule. Workflow-safe: no Node built-ins. */

export interface RetentionInput {
  days: number;
}

export const API_LOG_RETENTION_SCHEDULE_ID = 'api-log-retention';
