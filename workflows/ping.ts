import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PingInput, PingResult } from './contracts';

const { checkDatabase } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/** The trivial workflow: API/CLI → Temporal → worker → activity → Postgres, and back. */
export async function pingWorkflow(input: PingInput): Promise<PingResult> {
  const databaseTime = await checkDatabase();
  return { message: input.message, databaseTime, workflowId: workflowInfo().workflowId };
}
