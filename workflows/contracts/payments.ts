/** Top-ups and payments that arrive after their invoice closed. Workflow-safe: no Node built-ins. */

export interface PaidSignal {
  amountMinor: string;
  currency: string;
  gateway: string;
  /** The gateway's transaction / invoice id. */
  reference: string;
  /** Our payment attempt (Midtrans order_id / Xendit external_id); absent for wallet payments. */
  attemptRef?: string;
}

export type GatewayChoice = 'midtrans' | 'xendit' | null;

export interface TopupInput {
  invoicePublicId: string;
  resellerId: number;
  amountMinor: string;
  currency: string;
  gateway: GatewayChoice;
}

export interface LatePaymentInput {
  invoiceId: number;
  payment: PaidSignal;
}

export const topupWorkflowId = (resellerId: number, key: string): string => `topup:${resellerId}:${key}`;
export const latePaymentWorkflowId = (gateway: string, attemptRef: string): string =>
  `late-payment:${gateway}:${attemptRef}`;
