import { z } from 'zod';
import { EVENT_TYPES } from '../webhooks/events';
import { flagSchema } from './contacts.schema';

const events = z
  .array(z.enum(EVENT_TYPES, { error: `Events must be among ${EVENT_TYPES.join(', ')}.` }))
  .max(EVENT_TYPES.length);
const description = z.string().trim().max(255);

export const createWebhookRequest = z.object({
  body: z.object({
    url: z
      .string({ error: 'The url field is required.' })
      .trim()
      .min(1, 'The url field is required.')
      .max(2048),
    events: events.optional(),
    description: description.optional(),
  }),
});
const idParam = z.object({ webhook: z.string().min(1).max(64) });
export const updateWebhookRequest = z.object({
  params: idParam,
  body: z.object({
    enabled: flagSchema.optional(),
    events: events.optional(),
    url: z.string().trim().min(1).max(2048).optional(),
    description: description.optional(),
  }),
});
export const webhookRequest = z.object({ params: idParam });
export const resendRequest = z.object({
  params: z.object({ webhook: z.string().min(1).max(64), event: z.string().min(1).max(64) }),
});
