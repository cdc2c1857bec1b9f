import { constantTimeEqual } from '../../auth/credentials';
import { formatMinor } from '../../money';
import { parseGatewayAmount } from '../midtrans/client';
import {
  type CallbackFacts,
  type CreatedPayment,
  type CreatePaymentArgs,
  GatewayError,
  type PaymentGateway,
} from '../types';

export interface XenditOptions {
  secretKey: string;
  /** `https://api.xendit.co`. */
  apiUrl: string;
  timeoutMs: number;
}

/** Xendit's callback token is a static secret: compare it in constant time (hashed to equal lengths). */
export function xenditTokenValid(given: string, expected: string): boolean {
  return Boolean(given) && Boolean(expected) && constantTimeEqual(given, expected);
}

export function xenditFacts(body: Record<string, unknown>): CallbackFacts {
  const s = (k: string) =>
    typeof body[k] === 'string' ? (body[k] as string) : typeof body[k] === 'number' ? String(body[k]) : '';
  const status = s('status').toUpperCase();
  const currency = s('currency') || 'IDR';
  const amountText = s('paid_amount') || s('amount');
  return {
    attemptRef: s('external_id'),
    paid: status === 'PAID' || status === 'SETTLED',
    transactionStatus: status || 'UNKNOWN',
    amountMinor: parseGatewayAmount(amountText, currency),
    amountText,
    currency,
    gatewayReference: s('id') || s('external_id'),
  };
}

interface XenditInvoice {
  id: string;
  external_id: string;
  invoice_url: string;
  status: string;
}

/** Xendit invoices. Creation has no idempotency header, so we look `external_id` up before creating. */
export class XenditGateway implements PaymentGateway {
  readonly name = 'xendit' as const;

  constructor(private readonly opts: XenditOptions) {}

  private get auth(): string {
    return `Basic ${Buffer.from(`${this.opts.secretKey}:`).toString('base64')}`;
  }

  supportsCurrency(currency: string): boolean {
    return ['IDR', 'PHP', 'USD', 'THB', 'VND', 'MYR'].includes(currency);
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.opts.apiUrl}${path}`, {
        ...init,
        headers: { Authorization: this.auth, 'Content-Type': 'application/json', Accept: 'application/json' },
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch {
      throw new GatewayError('Xendit did not answer', true);
    }
  }

  async findByExternalId(externalId: string): Promise<XenditInvoice | null> {
    const res = await this.request(`/v2/invoices?external_id=${encodeURIComponent(externalId)}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new GatewayError(`Xendit HTTP ${res.status}`, res.status >= 500);
    const list = (await res.json()) as XenditInvoice[];
    return list[0] ?? null;
  }

  async createPayment(args: CreatePaymentArgs): Promise<CreatedPayment> {
    if (!this.supportsCurrency(args.currency))
      throw new GatewayError(`Xendit cannot charge ${args.currency}`, false);
    const existing = await this.findByExternalId(args.attemptRef);
    if (existing) return { gatewayId: existing.id, paymentUrl: existing.invoice_url };
    const res = await this.request('/v2/invoices', {
      method: 'POST',
      body: JSON.stringify({
        external_id: args.attemptRef,
        amount: Number(formatMinor(args.amountMinor, args.currency)),
        currency: args.currency,
        description: args.description,
        invoice_duration: Math.max(60, Math.floor((args.expiresAt.getTime() - Date.now()) / 1000)),
      }),
    });
    if (res.status >= 500) throw new GatewayError(`Xendit HTTP ${res.status}`, true);
    const body = (await res.json().catch(() => ({}))) as Partial<XenditInvoice> & { message?: string };
    if (!res.ok) throw new GatewayError(`Xendit refused the invoice: ${body.message ?? res.status}`, false);
    if (!body.id || !body.invoice_url) throw new GatewayError('Xendit answered without an invoice', true);
    return { gatewayId: body.id, paymentUrl: body.invoice_url };
  }
}
