/** What the registrar steps share with the API and the worker. Workflow-safe: no Node built-ins. */

/**
 * Registrar activities run on a task queue of their own beside the workflow's: its workers keep
 * to the registrar account's threads (concurrency) and calls per second (a server-side rate
 * limit), so a burst of orders queues there instead of breaching the account.
 */
export const registrarTaskQueue = (workflowQueue: string): string => `${workflowQueue}-registrar`;

/**
 * A transfer in, as `get_transfer_status` words it (independent clients map none, waiting,
 * approved, locked, auth code needed, cancelled, failed and Transferred); `pending` is any
 * other wording, still in progress.
 */
export const TRANSFER_STATES = [
  'none',
  'waiting',
  'approved',
  'pending',
  'auth_code_needed',
  'locked',
  'completed',
  'cancelled',
  'failed',
] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** A registration step's outcome: registered, or a lost answer not settled yet (look again later). */
export type RegistrationOutcome =
  { state: 'registered'; expiresAt: string | null } | { state: 'unsettled'; waitSeconds: number };

/** One look at a transfer: its state, the registrar's words, what the reseller must do, the expiry once done. */
export interface TransferPoll {
  state: TransferState;
  text: string;
  message: string | null;
  expiresAt: string | null;
}

/** A reseller's new auth code for a transfer, sealed (never plain in history). */
export interface TransferAuthCodeSignal {
  sealedAuthCode: string;
}
