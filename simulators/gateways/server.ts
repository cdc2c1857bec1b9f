/**
 * Payment gateway simulator for dev and tests: Midtrans Snap + status API and Xendit invoices,
 * with the same paths, auth and bodies as the real services, and a way to fire callbacks at our
 * API: paid, expired, duplicated (in parallel), with another amount, or forged.
 *
 * Admin: POST /__gw/pay {"ref": "...", "status"?: "...", "amount"?: "...", "times"?: n, "forge"?: true}
 *        GET /__gw/state
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatMinor } from '../../src/money';
import { midtransSignature } from '../../src/payments/midtrans/client';

export interface SimPayment {
  gateway: 'midtrans' | 'xendit';
  ref: string;
  id: string;
  /** Integer minor units. */
  amountMinor: bigint;
  currency: string;
  status: string;
}

export interface GatewaySimOptions {
  port?: number;
  midtransServerKey: string;
  xenditSecretKey: string;
  xenditCallbackToken: string;
  /** Where callbacks go: our API's base URL. */
  callbackBaseUrl?: string;
}

export interface PayOptions {
  /** Midtrans transaction_status (default settlement) or Xendit status (default PAID). */
  status?: string;
  fraudStatus?: string;
  /** Overrides the amount in the callback (decimal string as the gateway writes it). */
  amount?: string;
  /** How many identical callbacks to fire, all at once. */
  times?: number;
  /** Wrong signature (Midtrans) or token (Xendit). */
  forge?: boolean;
}

export class PaymentGatewaySimulator {
  readonly payments = new Map<string, SimPayment>();
  /** Every Snap transaction body received (what a test checks the request against). */
  readonly snapRequests: unknown[] = [];
  private server: Server | undefined;
  callbackBaseUrl: string | undefined;

  constructor(private readonly opts: GatewaySimOptions) {
    this.callbackBaseUrl = opts.callbackBaseUrl;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port ?? 0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | undefined;
    if (!addr) throw new Error('gateway simulator not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private authOk(req: IncomingMessage, key: string): boolean {
    return req.headers.authorization === `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const body = req.method === 'POST' ? await readJson(req) : {};
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    try {
      if (req.method === 'POST' && url.pathname === '/snap/v1/transactions') {
        if (!this.authOk(req, this.opts.midtransServerKey))
          return send(401, { error_messages: ['Access denied'] });
        this.snapRequests.push(body);
        const details = (body['transaction_details'] ?? {}) as { order_id?: string; gross_amount?: number };
        if (!details.order_id || !Number.isInteger(details.gross_amount)) {
          return send(400, {
            error_messages: ['transaction_details.order_id and gross_amount are required'],
          });
        }
        if (this.payments.has(details.order_id)) {
          return send(406, {
            error_messages: ['order_id has been paid and utilized, please use another order ID'],
          });
        }
        const token = randomUUID();
        this.payments.set(details.order_id, {
          gateway: 'midtrans',
          ref: details.order_id,
          id: randomUUID(),
          amountMinor: BigInt(details.gross_amount!),
          currency: 'IDR',
          status: 'pending',
        });
        return send(201, { token, redirect_url: `${this.url}/snap/v2/vtweb/${token}` });
      }
      const statusMatch = /^\/v2\/([^/]+)\/status$/.exec(url.pathname);
      if (req.method === 'GET' && statusMatch) {
        if (!this.authOk(req, this.opts.midtransServerKey))
          return send(401, { status_message: 'Access denied' });
        const p = this.payments.get(decodeURIComponent(statusMatch[1]!));
        if (!p || p.gateway !== 'midtrans')
          return send(404, { status_code: '404', status_message: 'Transaction not found' });
        return send(200, this.midtransBody(p, p.status, undefined, undefined));
      }
      if (req.method === 'POST' && url.pathname === '/v2/invoices') {
        if (!this.authOk(req, this.opts.xenditSecretKey)) return send(401, { error_code: 'INVALID_API_KEY' });
        const externalId = body['external_id'];
        const amount = body['amount'];
        const currency = typeof body['currency'] === 'string' ? body['currency'] : 'IDR';
        if (typeof externalId !== 'string' || typeof amount !== 'number') {
          return send(400, {
            error_code: 'API_VALIDATION_ERROR',
            message: 'external_id and amount are required',
          });
        }
        const [whole = '0', frac = ''] = String(amount).split('.');
        const scale = currency === 'IDR' ? 0 : 2;
        const p: SimPayment = {
          gateway: 'xendit',
          ref: externalId,
          id: randomUUID().replace(/-/g, '').slice(0, 24),
          amountMinor: BigInt(whole + frac.padEnd(scale, '0').slice(0, scale)),
          currency,
          status: 'PENDING',
        };
        this.payments.set(externalId, p);
        return send(200, {
          id: p.id,
          external_id: externalId,
          status: 'PENDING',
          amount,
          currency,
          invoice_url: `${this.url}/web/${p.id}`,
        });
      }
      if (req.method === 'GET' && url.pathname === '/v2/invoices') {
        if (!this.authOk(req, this.opts.xenditSecretKey)) return send(401, { error_code: 'INVALID_API_KEY' });
        const ref = url.searchParams.get('external_id');
        const p = ref ? this.payments.get(ref) : undefined;
        return send(
          200,
          p && p.gateway === 'xendit'
            ? [{ id: p.id, external_id: p.ref, status: p.status, invoice_url: `${this.url}/web/${p.id}` }]
            : [],
        );
      }
      if (req.method === 'POST' && url.pathname === '/__gw/pay') {
        const statuses = await this.pay(
          typeof body['ref'] === 'string' ? body['ref'] : '',
          body as PayOptions,
        );
        return send(200, { statuses });
      }
      if (req.method === 'GET' && url.pathname === '/__gw/state') {
        return send(
          200,
          [...this.payments.values()].map((p) => ({ ...p, amountMinor: p.amountMinor.toString() })),
        );
      }
      send(404, { error: 'not found' });
    } catch (err) {
      send(500, { error: err instanceof Error ? err.message : 'error' });
    }
  }

  private midtransBody(
    p: SimPayment,
    status: string,
    fraud: string | undefined,
    amount: string | undefined,
    forge = false,
  ) {
    const gross = amount ?? `${p.amountMinor.toString()}.00`;
    const statusCode =
      status === 'settlement' || status === 'capture' ? '200' : status === 'pending' ? '201' : '202';
    return {
      transaction_time: new Date().toISOString().replace('T', ' ').slice(0, 19),
      transaction_status: status,
      transaction_id: p.id,
      status_message: 'midtrans payment notification',
      status_code: statusCode,
      signature_key: forge
        ? 'f'.repeat(128)
        : midtransSignature(p.ref, statusCode, gross, this.opts.midtransServerKey),
      payment_type: 'bank_transfer',
      order_id: p.ref,
      merchant_id: 'G000000000',
      gross_amount: gross,
      ...(fraud ? { fraud_status: fraud } : status === 'settlement' ? { fraud_status: 'accept' } : {}),
      currency: p.currency,
    };
  }

  /** Builds the callback a gateway would send for a payment (for tests that send it themselves). */
  callbackFor(
    ref: string,
    opts: PayOptions = {},
  ): { path: string; headers: Record<string, string>; body: string } {
    const p = this.payments.get(ref);
    if (!p) throw new Error(`no payment ${ref}`);
    if (p.gateway === 'midtrans') {
      const status = opts.status ?? 'settlement';
      return {
        path: '/payments/webhooks/midtrans',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(this.midtransBody(p, status, opts.fraudStatus, opts.amount, opts.forge)),
      };
    }
    const status = opts.status ?? 'PAID';
    const amount = opts.amount ?? formatMinor(p.amountMinor, p.currency);
    return {
      path: '/payments/webhooks/xendit',
      headers: {
        'Content-Type': 'application/json',
        'x-callback-token': opts.forge ? 'forged-token' : this.opts.xenditCallbackToken,
      },
      body: JSON.stringify({
        id: p.id,
        external_id: p.ref,
        user_id: 'sim-user',
        status,
        merchant_name: 'Simulator',
        amount: Number(amount),
        paid_amount: Number(amount),
        currency: p.currency,
        payment_method: 'BANK_TRANSFER',
        paid_at: new Date().toISOString(),
      }),
    };
  }

  /** Fires the callback at our API (`times` copies at once); returns the HTTP statuses it got. */
  async pay(ref: string, opts: PayOptions = {}): Promise<number[]> {
    if (!this.callbackBaseUrl) throw new Error('no callback URL configured');
    const p = this.payments.get(ref);
    if (!p) throw new Error(`no payment ${ref}`);
    const cb = this.callbackFor(ref, opts);
    if (!opts.forge) p.status = opts.status ?? (p.gateway === 'midtrans' ? 'settlement' : 'PAID');
    const fire = () =>
      fetch(`${this.callbackBaseUrl}${cb.path}`, { method: 'POST', headers: cb.headers, body: cb.body }).then(
        async (r) => {
          await r.text();
          return r.status;
        },
      );
    return Promise.all(Array.from({ length: opts.times ?? 1 }, fire));
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
