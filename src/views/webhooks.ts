import { z } from 'zod';
import type { WebhookEndpointRow } from '../db/models';
import type { EndpointDelivery } from '../services/webhook-deliveries';
import { EVENT_TYPES } from '../webhooks/events';
import { iso as isoSchema, isoOrNull, isoText } from './json';

/* A webhook endpoint and its deliveries as the API answers them: each schema beside its presenter. */

export const WebhookJson = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    created_at: isoSchema,
  })
  .meta({ id: 'WebhookEndpoint' });

export const DeliveryJson = z
  .object({
    event_id: z.string(),
    type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'disabled']),
    attempts: z.int(),
    last_attempt_at: isoOrNull,
    delivered_at: isoOrNull,
    last_response: z
      .object({
        status_code: z.int().nullable(),
        latency_ms: z.int().nullable(),
        excerpt: z.string().nullable(),
        error: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookTestJson = z.object({
  event_id: z.string(),
  outcome: z.enum(['delivered', 'failed', 'disabled', 'refused', 'pending']),
  response: z
    .object({
      status_code: z.int().nullable(),
      latency_ms: z.int().nullable(),
      excerpt: z.string().nullable(),
      error: z.string().nullable(),
      delivered: z.boolean(),
    })
    .nullable(),
});

export function presentWebhook(e: WebhookEndpointRow): z.infer<typeof WebhookJson> {
  return {
    id: e.publicId,
    url: e.url,
    description: e.description,
    events: e.events.length > 0 ? e.events : [...EVENT_TYPES],
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    created_at: new Date(e.createdAt).toISOString(),
  };
}

export function presentDelivery(j: EndpointDelivery): z.infer<typeof DeliveryJson> {
  return {
    event_id: j.eventId,
    type: j.type,
    status: j.status,
    attempts: j.attempts,
    last_attempt_at: isoText(j.lastAttemptAt),
    delivered_at: isoText(j.deliveredAt),
    last_response: j.lastAttemptAt
      ? {
          status_code: j.statusCode,
          latency_ms: j.latencyMs,
          excerpt: j.responseExcerpt,
          error: j.error,
        }
      : null,
  };
}
