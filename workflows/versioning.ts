import type { VersioningBehavior } from '@temporalio/common';
import type * as all from './all';

/**
 * Worker Deployment Versioning (used when the worker runs in a deployment: WORKER_DEPLOYMENT_NAME).
 *
 * - **PINNED**: a run stays on the build that started it, so a new build never meets its history.
 *   For the runs that end in seconds or minutes; an old build drains them after a roll.
 * - **AUTO_UPGRADE**: a run moves to the current build at its next workflow task. For the runs
 *   that wait hours or days (an invoice until it expires, a transfer for up to 10 days, a webhook's
 *   retries for 3 days): pinning them would keep every old build running for days. Their code
 *   changes go behind `patched()`, and the replay test (test/workflows/replay.test.ts) replays
 *   their recorded histories against each new build.
 *
 * docs/operating.md ("Deploying a new worker build") says how a roll goes.
 */
export const VERSIONING_BEHAVIOR = {
  orderWorkflow: 'AUTO_UPGRADE',
  topupWorkflow: 'AUTO_UPGRADE',
  webhookDeliveryWorkflow: 'AUTO_UPGRADE',
  // Waits out the registrar's lag (live: up to an hour in all).
  domainReconcileWorkflow: 'AUTO_UPGRADE',
  // Paced by the account's limits: a handle on thousands of domains takes hours on a regular account.
  contactPushWorkflow: 'AUTO_UPGRADE',
  // Paced by the account's limits: 10,000 renewals take hours on a regular account.
  bulkJobWorkflow: 'AUTO_UPGRADE',
  dnsZoneWorkflow: 'PINNED',
  domainOperationWorkflow: 'PINNED',
  latePaymentWorkflow: 'PINNED',
  billingReviewWorkflow: 'PINNED',
  expiryRemindersWorkflow: 'PINNED',
  apiLogRetentionWorkflow: 'PINNED',
  // Keeps the archive for its link's hours (a day by default) before deleting it.
  dataExportWorkflow: 'AUTO_UPGRADE',
  webhookTestWorkflow: 'PINNED',
  pingWorkflow: 'PINNED',
} as const satisfies Record<keyof typeof all, VersioningBehavior>;
