import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RetentionInput } from './contracts';

const { pruneApiLogs } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

/** The daily API log retention (schedule `api-log-retention`): rows older than `days` are deleted. */
export async function apiLogRetentionWorkflow(input: RetentionInput): Promise<{ deleted: number }> {
  return { deleted: await pruneApiLogs(input.days) };
}
