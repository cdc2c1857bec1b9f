/** What the registrar steps share with the API and the worker. Workflow-safe: no Node built-ins. */
import { type TransferState } from '../../src/vocabulary';

/**
 * Registrar activities run on a task queue of their own beside the workflow's: its workers keep
 * to the registrar account's threads (concurrency) and calls per second (a server-side rate
 * limit), so a burst of orders queues there instead of breaching the account.
 */
export const registrarTaskQueue = (workflowQueue: string): string => `${workflowQueue}-registrar`;

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

/** Someone asks to cancel a pending transfer: who (`reseller:12`, `admin:3`, `cli`) and why. */
export interface TransferCancelSignal {
  by: string;
  reason?: string | undefined;
}

/** What asking the registrar to cancel a transfer came to. */
export type TransferCancelOutcome =
  | { state: 'cancelled' }
  | { state: 'completed'; expiresAt: string | null }
  | { state: 'refused'; message: string };

/** A reseller's new auth code for a transfer, sealed (never plain in history). */
export interface TransferAuthCodeSignal {
  sealedAuthCode: string;
}

/**
 * One step of a domain's follow-up at the registrar (domainReconcileWorkflow): done (synced, or
 * its drift sent to review), or look again after `waitMs`.
 */
export type ReconcileStep = { done: true; state: 'synced' | 'drift' } | { done: false; waitMs: number };

export interface DomainReconcileInput {
  domainId: number;
  domain: string;
  resellerId: number;
  /** The registrar's lag (REGISTER_LAG_SECONDS), when the starter knows it: the first look waits it out. */
  firstLookAfterMs?: number | undefined;
  /** Started by `startRegistrarFollowUp` with a start delay of the lag: the first look is at once. */
  startedAfterLag?: boolean | undefined;
}

/** One follow-up per domain: a change while it runs is picked up by the same run (signalled). */
export const domainReconcileWorkflowId = (domainId: number): string => `domain-reconcile:${domainId}`;

/** Sent to a domain's running follow-up when another change was made. */
export const DOMAIN_CHANGED_SIGNAL = 'domainChanged';
