/** A row of `invoices`: an order's invoice or a wallet top-up. */
export interface InvoiceRow {
  id: number;
  publicId: string;
  resellerId: number;
  orderId: number | null;
  purpose: 'order' | 'topup';
  status: 'unpaid' | 'paid' | 'expired' | 'cancelled';
  amountMinor: string;
  currency: string;
  /** midtrans, xendit or wallet, once known. */
  gateway: string | null;
  gatewayReference: string | null;
  paymentUrl: string | null;
  /** The workflow waiting for its payment. */
  workflowId: string | null;
  expiresAt: Date;
  paidAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
