import { createHash, timingSafeEqual } from 'node:crypto';
import { currencyScale } from '../../money';
import {
  type CallbackFacts,
  type CreatedPayment,
  type CreatePaymentArgs,
  GatewayError,
  type PaymentGateway,
} from '../types';

export interface MidtransOptions {
  serverKey: string;
  /** `https://app.midtrans.com/snap/v1` (sandbox: `https://app.sandbox.midtrans.com/snap/v1`). */
  snapUrl: string;
  /** `https://api.midtrans.com` (sandbox: `https://api.sandbox.midtrans.com`). */
  apiUrl: string;
  timeoutMs: number;
}

/** `SHA512(order_id + status_code + gross_amount + server_key)` over the raw strings of the notification. */
export function midtransSignature(
  orderId: string,
  statusCode: string,
  grossAmount: string,
  serverKey: string,
): string {
  return createHash('sha512')
    .update(`${orderId}${statusCode}${grossAmount}${serverKey}`, 'utf8')
    .digest('hex');
}

export function midtransSignatureValid(body: Record<string, unknown>, serverKey: string): boolean {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : null);
  const orderId = str('order_id');
  const statusCode = str('status_code');
  const gross = str('gross_amount');
  const given = str('signature_key');
  if (
    orderId === null ||
    statusCode === null ||
    gross === null ||
    given === null ||
    !/^[0-9a-f]{128}$/i.test(given)
  ) {
    return false;
  }
  const expected = Buffer.from(midtransSignature(orderId, statusCode, gross, serverKey), 'hex');
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'hex'));
}

/** Midtrans' success rule: settlement, or capture with fraud_status accept; everything else is not paid. */
export function midtransPaid(transactionStatus: string, fraudStatus: string | undefined): boolean {
  if (transactionStatus === 'settlement') return fraudStatus === undefined || fraudStatus === 'accept';
  if (transactionStatus === 'capture') return fraudStatus === 'accept';
  return false;
}

/** "10000.00" IDR → 10000n; null when it does not parse or has cents IDR cannot hold. */
export function parseGatewayAmount(text: string, currency: string): bigint | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const scale = currencyScale(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > scale) return null;
  return BigInt(m[1]! + frac.padEnd(scale, '0'));
}

export function midtransFacts(body: Record<string, unknown>): CallbackFacts {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const currency = s('currency') || 'IDR';
  return {
    attemptRef: s('order_id'),
    paid: midtransPaid(
      s('transaction_status'),
      typeof body['fraud_status'] === 'string' ? body['fraud_status'] : undefined,
    ),
    transactionStatus: s('transaction_status') || 'unknown',
    amountMinor: parseGatewayAmount(s('gross_amount'), currency),
    amountText: s('gross_amount'),
    currency,
    gatewayReference: s('transaction_id') || s('order_id'),
  };
}

/** Midtrans Snap (create) and the status API (confirm), with the server key as Basic auth. */
export class MidtransGateway implements PaymentGateway {
  readonly name = 'midtrans' as const;

  constructor(private readonly opts: MidtransOptions) {}

  private get auth(): string {
    return `Basic ${Buffer.from(`${this.opts.serverKey}:`).toString('base64')}`;
  }

  supportsCurrency(currency: string): boolean {
    return currency === 'IDR';
  }

  async createPayment(args: CreatePaymentArgs): Promise<CreatedPayment> {
    if (!this.supportsCurrency(args.currency))
      throw new GatewayError(`Midtrans cannot charge ${args.currency}`, false);
    const minutes = Math.max(1, Math.floor((args.expiresAt.getTime() - Date.now()) / 60_000));
    let res: Response;
    try {
      res = await fetch(`${this.opts.snapUrl}/transactions`, {
        method: 'POST',
        headers: { Authorization: this.auth, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          transaction_details: { order_id: args.attemptRef, gross_amount: Number(args.amountMinor) },
          item_details: [
            {
              id: args.attemptRef,
              price: Number(args.amountMinor),
              quantity: 1,
              name: args.description.slice(0, 50),
            },
          ],
          // Counted from now, as Midtrans words it (`yyyy-MM-dd HH:mm:ss Z`), not from when Snap opens.
          expiry: { start_time: snapTime(new Date()), unit: 'minutes', duration: minutes },
        }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch {
      throw new GatewayError('Midtrans did not answer', true);
    }
    const body = (await res.json().catch(() => ({}))) as {
      token?: string;
      redirect_url?: string;
      error_messages?: string[];
    };
    if (res.status >= 500) throw new GatewayError(`Midtrans HTTP ${res.status}`, true);
    if (res.status !== 201 && res.status !== 200) {
      throw new GatewayError(
        `Midtrans refused the payment: ${(body.error_messages ?? []).join('; ') || res.status}`,
        false,
      );
    }
    if (!body.token || !body.redirect_url) throw new GatewayError('Midtrans answered without a token', true);
    return { gatewayId: body.token, paymentUrl: body.redirect_url };
  }

  /** GET status: the gateway's own view, to confirm a notification before acting on it. */
  async status(orderId: string): Promise<CallbackFacts | null> {
    const res = await fetch(`${this.opts.apiUrl}/v2/${encodeURIComponent(orderId)}/status`, {
      headers: { Authorization: this.auth, Accept: 'application/json' },
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new GatewayError(`Midtrans status HTTP ${res.status}`, true);
    const body = (await res.json()) as Record<string, unknown>;
    if (body['status_code'] === '404') return null;
    return midtransFacts(body);
  }
}

/** Midtrans' time format: `2026-12-04 09:30:00 +0000`. */
export function snapTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
}
