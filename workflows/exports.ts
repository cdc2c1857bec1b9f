import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DataExportInput } from './contracts';

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/**
 * A reseller's data export: builds the archive (everything the reseller owns, as JSON and CSV
 * files), keeps it downloadable for `linkHours`, then deletes it. A build that fails for good
 * marks the export failed.
 */
export async function dataExportWorkflow(input: DataExportInput): Promise<'expired' | 'failed'> {
  let ready: { expiresAt: string };
  try {
    ready = await steps.buildDataExport.executeWithOptions(
      { summary: `Build the archive of reseller #${input.resellerId}` },
      [input.exportId, input.linkHours],
    );
  } catch {
    await steps.failDataExport(input.exportId);
    return 'failed';
  }
  const left = new Date(ready.expiresAt).getTime() - Date.now();
  if (left > 0) await sleep(left);
  await steps.expireDataExport(input.exportId);
  return 'expired';
}
