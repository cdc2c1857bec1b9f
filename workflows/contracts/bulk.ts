/** Bulk jobs: one action over many domains, run by one workflow. Workflow-safe: no Node built-ins. */
import type { DomainOperationInput } from './domains';
import type { OrderInput } from './orders';

/** What a bulk job does to each of its domains. */
export const BULK_ACTIONS = [
  'register',
  'renew',
  'transfer',
  'nameservers',
  'dns_replace',
  'auto_renew',
  'lock',
  'privacy',
] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The actions that place an order per item (charged once through the order path, refunded on failure). */
export const BULK_ORDER_ACTIONS = ['register', 'renew', 'transfer'] as const satisfies readonly BulkAction[];

export const isOrderAction = (a: BulkAction): a is (typeof BULK_ORDER_ACTIONS)[number] =>
  (BULK_ORDER_ACTIONS as readonly string[]).includes(a);

export interface BulkJobInput {
  /** `bulk_jobs.id`. */
  jobId: number;
  publicId: string;
  resellerId: number;
  action: BulkAction;
  /** Items to run (valid ones), for the run's current details. */
  items: number;
  /** Items in flight at once: enough to keep the account's registrar limit busy, no more. */
  window: number;
  /** Continue-as-new: the last line already started. */
  afterLine?: number;
  /** Continue-as-new: items the runs before this one finished. */
  done?: number;
  paused?: boolean;
  cancelled?: boolean;
  /** Transfers: how often the job reads whether their orders ended (TRANSFER_POLL_SECONDS; 60 if absent). */
  settleSeconds?: number;
}

/** What one item needs once its checks ran: an order, a domain operation, or nothing more (done here). */
export type BulkItemStep =
  | { kind: 'order'; workflowId: string; input: OrderInput; label: BulkRunLabel }
  | { kind: 'operation'; workflowId: string; input: DomainOperationInput; label: BulkRunLabel }
  | { kind: 'done' };

/** The summary and details of an item's run in the Temporal UI (no personal data). */
export interface BulkRunLabel {
  staticSummary: string;
  staticDetails: string;
}

/** How an item's domain operation ended, for the items whose outcome is not an order row. */
export interface BulkItemEnd {
  line: number;
  /** Set for domain operations; orders are read from their rows. */
  operation?: { ok: true } | { ok: false; code: string; message: string };
}

export interface BulkJobResult {
  status: 'completed' | 'cancelled';
  items: number;
}

export const bulkJobWorkflowId = (publicId: string): string => `bulk-job-${publicId}`;

/** The key of one item's order or operation: one per job and line, so a retried step starts nothing twice. */
export const bulkItemKey = (publicId: string, line: number): string => `bulk:${publicId}:${line}`;
