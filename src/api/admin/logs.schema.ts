import { z } from 'zod';
import { apiLogsQuery } from '../account.schema';

export const adminApiLogsRequest = z.object({
  query: apiLogsQuery.extend({ reseller: z.coerce.number().int().min(1).optional() }),
});
