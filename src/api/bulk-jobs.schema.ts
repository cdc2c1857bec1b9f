import { z } from 'zod';
import { BULK_MAX_ITEMS, bulkOptionsSchema } from '../services/bulk-items';
import { BULK_ACTIONS } from '../../workflows/contracts';
import { flagSchema } from './contacts.schema';

const jobParam = z.object({ job: z.string().min(1).max(64) });

export const submitBulkJobRequest = z.object({
  body: z
    .object({
      action: z.enum(BULK_ACTIONS, { error: `The action must be one of ${BULK_ACTIONS.join(', ')}.` }),
      items: z
        .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
        .max(BULK_MAX_ITEMS, `A job holds at most ${BULK_MAX_ITEMS} items.`)
        .optional()
        .describe('Each a domain name, or an object: domain plus the fields its action takes.'),
      csv: z
        .string()
        .max(4_000_000)
        .optional()
        .describe('Instead of items: CSV with a header row (domain, years, auth_code, nameservers, …).'),
      concurrency: z.coerce
        .number()
        .int()
        .min(1)
        .max(100)
        .optional()
        .describe("Items in flight at once (at most what the account's limits keep busy, the default)."),
      options: bulkOptionsSchema.optional().describe('Fields every item takes unless it gives its own.'),
    })
    .refine((b) => (b.items === undefined) !== (b.csv === undefined), {
      message: 'Send either items or csv.',
      path: ['items'],
    }),
});
export const bulkJobRequest = z.object({ params: jobParam });
export const confirmBulkJobRequest = z.object({
  params: jobParam,
  body: z
    .object({
      skip_invalid: flagSchema
        .optional()
        .describe('Run the valid items and leave out the invalid ones (refused otherwise).'),
    })
    .optional(),
});
