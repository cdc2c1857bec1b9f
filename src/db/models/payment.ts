/** A row of `payments`: one payment attempt at Midtrans or Xendit for an invoice. */
export interface PaymentRow {
  id: number;
  resellerId: number;
  invoiceId: number;
  gateway: 'midtrans' | 'xendit';
  /** Midtrans order_id / Xendit external_id: unique per attempt. */
  attemptRef: string;
  gatewayId: string | null;
  paymentUrl: string | null;
  amountMinor: string;
  currency: string;
  status: 'pending' | 'paid' | 'expired' | 'failed';
  createdAt: Date;
  paidAt: Date | null;
}

export type CallbackVerdict =
  | 'accepted'
  | 'duplicate'
  | 'forged'
  | 'invalid'
  | 'not_paid'
  | 'unknown_reference'
  | 'unconfirmed'
  | 'unverified'
  | 'invalid_amount'
  | 'signal_failed';

/** A row of `payment_callbacks`: every gateway callback received, with its verdict. */
export interface PaymentCallbackRow {
  id: string;
  gateway: string;
  attemptRef: string | null;
  paymentId: number | null;
  verdict: CallbackVerdict;
  transactionStatus: string | null;
  amount: string | null;
  currency: string | null;
  rawBody: string;
  headers: Record<string, unknown>;
  note: string | null;
  receivedAt: Date;
}
