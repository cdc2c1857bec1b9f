import { z } from 'zod';
import { bigIdParam, idParam } from '../id.schema';
import { newestFirstQuery } from '../account.schema';

export const reviewQueueRequest = z.object({
  query: z.object({
    ...newestFirstQuery,
    reseller: idParam.optional(),
    types: z
      .union([z.array(z.string()), z.string().transform((s) => s.split(','))])
      .optional()
      .describe('Comma-separated: billing_failed, payment_mismatch, registrar_drift, late_payment.'),
  }),
});

export const resolveRequest = z.object({
  params: z.object({ order: z.string().min(1).max(64) }),
  body: z.object({ reason: z.string({ error: 'The reason field is required.' }).trim().min(1).max(500) }),
});

export const acknowledgeRequest = z.object({
  params: z.object({ event: bigIdParam }),
  body: z.object({ note: z.string().trim().max(500).optional() }),
});

export const auditEventsRequest = z.object({
  query: z.object({
    ...newestFirstQuery,
    reseller: idParam.optional(),
    type: z.union([z.array(z.string()), z.string().transform((s) => s.split(','))]).optional(),
    since: z.coerce.date().optional(),
    until: z.coerce.date().optional(),
  }),
});
