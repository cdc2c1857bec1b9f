/**
 * The business's words, shared by every floor: an order's action, payment method and status, a
 * contact, a DNS record, a transfer's state. Bundle-safe (no Node built-ins, no imports): the
 * workflows, the database models and the registrar client all use it, and it uses nothing.
 */

export type OrderAction = 'register' | 'renew' | 'transfer';
export type PaymentMethod = 'wallet' | 'invoice';
export type OrderStatus =
  'pending' | 'awaiting_payment' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'billing_failed';

export interface ContactInput {
  name: string;
  organization?: string | undefined;
  address1: string;
  address2?: string | undefined;
  city: string;
  state?: string | undefined;
  postcode: string;
  country: string;
  phone: string;
  email: string;
}

/** The record types DNS management takes (seed 003): all of them on the hosted addon. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS'] as const;

export interface DnsRecordData {
  type: (typeof DNS_RECORD_TYPES)[number];
  name: string;
  value: string;
  ttl: number;
  priority: number | null;
  weight: number | null;
  port: number | null;
  flags: number | null;
  tag: string | null;
}

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

/** An API credential's kind: a reseller's API key or token, or an operator's admin token. */
export type CredentialKind = 'api_key' | 'token' | 'admin_token';
