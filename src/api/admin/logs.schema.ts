import { z } from 'zod';
import { idParam } from '../id.schema';
import { apiLogsQuery } from '../account.schema';

export const adminApiLogsRequest = z.object({
  query: apiLogsQuery.extend({ reseller: idParam.optional() }),
});
