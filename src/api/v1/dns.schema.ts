import { z } from 'zod';
import { flagSchema } from '../contacts.schema';
import { recordSchema } from '../../services/dns-records';

const domainParam = z.object({ domain: z.string().min(1).max(1000) });
const recordParam = z.object({ domain: z.string().min(1).max(1000), record: z.string().min(1).max(32) });

export const zoneRequest = z.object({ params: domainParam });
export const provisionRequest = z.object({
  params: domainParam,
  body: z.object({ confirm: flagSchema.optional() }),
});
export const createRecordRequest = z.object({ params: domainParam, body: recordSchema });
export const updateRecordRequest = z.object({ params: recordParam, body: recordSchema });
export const deleteRecordRequest = z.object({ params: recordParam });
export const dnssecRequest = z.object({
  params: domainParam,
  body: z.object({ enabled: flagSchema }),
});
