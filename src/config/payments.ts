import { z } from 'zod';
import { bool, port } from './fields';

/** The payment gateways: which one invoices use, Midtrans and Xendit keys and endpoints, their timeout (part of the schema in index.ts). */
export const PAYMENT_SETTINGS = {
  PAYMENT_GATEWAY: z
    .enum(['auto', 'midtrans', 'xendit', 'none'])
    .default('auto')
    .describe('`auto` (Midtrans for IDR, Xendit otherwise), `midtrans`, `xendit` or `none`'),
  MIDTRANS_SERVER_KEY: z
    .string()
    .min(1)
    .default('SB-Mid-server-dev-only')
    .describe('Midtrans server key (Basic auth and callback signatures)'),
  MIDTRANS_SNAP_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:4020/snap/v1')
    .describe('Snap API (`https://app.midtrans.com/snap/v1` in production)'),
  MIDTRANS_API_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:4020')
    .describe('core API for status checks (`https://api.midtrans.com`)'),
  MIDTRANS_VERIFY_STATUS: bool
    .default(false)
    .describe('confirm paid notifications with the status API before acting'),
  XENDIT_SECRET_KEY: z
    .string()
    .min(1)
    .default('xnd_development_dev_only')
    .describe('Xendit secret key (Basic auth)'),
  XENDIT_API_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:4020')
    .describe('Xendit API (`https://api.xendit.co`)'),
  XENDIT_CALLBACK_TOKEN: z
    .string()
    .min(1)
    .default('dev-only-xendit-callback-token')
    .describe("the account's callback verification token"),
  GATEWAY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(15_000)
    .describe('timeout of one gateway call'),
  GATEWAY_SIM_PORT: port.default(4020).describe('port of the gateway simulator `npm run dev` starts'),
};
