export type GatewayName = 'midtrans' | 'xendit';

export interface CreatePaymentArgs {
  /** Unique per attempt: Midtrans `transaction_details.order_id`, Xendit `external_id`. */
  attemptRef: string;
  amountMinor: bigint;
  currency: string;
  description: string;
  expiresAt: Date;
}

export interface CreatedPayment {
  gatewayId: string;
  paymentUrl: string;
}

/** A payment gateway we create payments at (callbacks are verified by the API surface). */
export interface PaymentGateway {
  readonly name: GatewayName;
  supportsCurrency(currency: string): boolean;
  createPayment(args: CreatePaymentArgs): Promise<CreatedPayment>;
}

export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** What a verified callback says, gateway-neutral. */
export interface CallbackFacts {
  attemptRef: string;
  /** Paid per the gateway's own rule. */
  paid: boolean;
  transactionStatus: string;
  /** Amount as integer minor units, when it parses. */
  amountMinor: bigint | null;
  amountText: string;
  currency: string | null;
  gatewayReference: string;
}
