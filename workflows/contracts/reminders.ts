/** The expiry reminder scan and its schedule. Workflow-safe: no Node built-ins. */

export interface ExpiryScanInput {
  thresholdsDays: number[];
  autoRenewDays: number;
  /** How many windows of the horizon are scanned at once (default EXPIRY_SCAN_SLICES). */
  slices?: number;
  orderTaskQueue?: string; // where auto-renewals start (absent before the queue split: the scan's own)
}

/**
 * One window of an expiry scan: the domains expiring after `fromDays` and up to `toDays` days
 * from `asOf` (the scan's one clock, so windows scanned side by side neither overlap nor leave a gap).
 */
export interface ExpiryScanWindow {
  asOf: string;
  fromDays: number;
  toDays: number;
}

/** Windows scanned side by side by default: each is its own stream of pages on its own connection. */
export const EXPIRY_SCAN_SLICES = 2;

/** The scan's horizon (the largest threshold or the auto-renew days) cut into `slices` equal windows. */
export function expiryScanWindows(
  input: Pick<ExpiryScanInput, 'thresholdsDays' | 'autoRenewDays' | 'slices'>,
  asOf: Date,
): ExpiryScanWindow[] {
  const horizon = Math.max(...input.thresholdsDays, input.autoRenewDays);
  const n = Math.max(1, Math.min(32, Math.trunc(input.slices ?? EXPIRY_SCAN_SLICES)));
  return Array.from({ length: n }, (_, i) => ({
    asOf: asOf.toISOString(),
    fromDays: (horizon * i) / n,
    toDays: (horizon * (i + 1)) / n,
  }));
}

export const EXPIRY_SCHEDULE_ID = 'expiry-reminders';
