import { z } from 'zod';

export const topupRequest = z.object({
  body: z.object({
    amount: z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
    gateway: z.enum(['midtrans', 'xendit'], { error: 'The gateway must be midtrans or xendit.' }).optional(),
  }),
});
