import { z } from 'zod';
import { flagSchema } from '../contacts.schema';
import { recordSchema } from '../../services/dns-records';

const domain = z
  .string({ error: 'The domain field is required.' })
  .trim()
  .min(1, 'The domain field is required.')
  .max(1000);

export const replaceDnsRequest = z.object({
  body: z.object({
    domain,
    records: z.array(recordSchema).max(500, 'Send at most 500 records.'),
    push: flagSchema.default(true),
  }),
});
export const pushDnsRequest = z.object({ body: z.object({ domain }) });
