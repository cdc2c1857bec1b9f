import { z } from 'zod';

/** What Midtrans posts (every field a string; more fields may appear and are kept). */
export const midtransNotificationSchema = z.looseObject({
  order_id: z.string(),
  status_code: z.string(),
  gross_amount: z.string().describe('Exactly as sent, e.g. "10000.00": the signature covers this string.'),
  signature_key: z.string().describe('SHA512(order_id + status_code + gross_amount + server_key), hex.'),
  transaction_status: z.string(),
  fraud_status: z.string().optional(),
  transaction_id: z.string().optional(),
  currency: z.string().optional(),
});

/** What Xendit posts for an invoice (header x-callback-token carries the account's token). */
export const xenditCallbackSchema = z.looseObject({
  id: z.string(),
  external_id: z.string(),
  status: z.string().describe('PAID and SETTLED mean paid; EXPIRED does not.'),
  amount: z.number(),
  paid_amount: z.number().optional(),
  currency: z.string().optional(),
});
