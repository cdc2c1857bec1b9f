import type { Config } from '../config';
import { MidtransGateway } from './midtrans/client';
import type { GatewayName, PaymentGateway } from './types';
import { XenditGateway } from './xendit/client';

export type GatewayConfig = Pick<
  Config,
  | 'PAYMENT_GATEWAY'
  | 'MIDTRANS_SERVER_KEY'
  | 'MIDTRANS_SNAP_URL'
  | 'MIDTRANS_API_URL'
  | 'XENDIT_SECRET_KEY'
  | 'XENDIT_API_URL'
  | 'GATEWAY_TIMEOUT_MS'
>;

export interface Gateways {
  midtrans: MidtransGateway;
  xendit: XenditGateway;
  /** The gateway for an invoice: the caller's choice, else PAYMENT_GATEWAY (`auto`: Midtrans for IDR, else Xendit). */
  pick(currency: string, requested?: GatewayName | null): PaymentGateway | null;
}

export function createGateways(config: GatewayConfig): Gateways {
  const midtrans = new MidtransGateway({
    serverKey: config.MIDTRANS_SERVER_KEY,
    snapUrl: config.MIDTRANS_SNAP_URL,
    apiUrl: config.MIDTRANS_API_URL,
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
  });
  const xendit = new XenditGateway({
    secretKey: config.XENDIT_SECRET_KEY,
    apiUrl: config.XENDIT_API_URL,
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
  });
  return {
    midtrans,
    xendit,
    pick(currency, requested) {
      const name = requested ?? config.PAYMENT_GATEWAY;
      if (name === 'none') return null;
      const gateway =
        name === 'midtrans' ? midtrans : name === 'xendit' ? xendit : currency === 'IDR' ? midtrans : xendit;
      return gateway.supportsCurrency(currency) ? gateway : null;
    },
  };
}
