import { queueFor } from '../temporal/queues';
import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from './answers';
import { DeliveryJson, WebhookJson, WebhookTestJson } from './schemas';
import { allowPrivateWebhookTargets } from '../config';
import type { WebhookEndpointRow } from '../db/models';
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from '../services/webhook-endpoints';
import {
  type EndpointDelivery,
  listDeliveries,
  resendDelivery,
  sendTestEvent,
} from '../services/webhook-deliveries';
import { relayOptions } from '../webhooks/dispatcher';
import { EVENT_TYPES } from '../webhooks/events';
import type { AppDeps, AppState } from './context';
import { requireAuth } from './context';
import { respond } from './envelope';
import { requireAbility } from './middleware/auth';
import { input, validate } from './validate';
import { createWebhookRequest, resendRequest, updateWebhookRequest, webhookRequest } from './webhooks.schema';

function present(e: WebhookEndpointRow): z.infer<typeof WebhookJson> {
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

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function presentDelivery(j: EndpointDelivery): z.infer<typeof DeliveryJson> {
  return {
    event_id: j.eventId,
    type: j.type,
    status: j.status,
    attempts: j.attempts,
    last_attempt_at: iso(j.lastAttemptAt),
    delivered_at: iso(j.deliveredAt),
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

/** Webhook endpoints: create (secret shown once), list, update/enable/disable, rotate secret, delete, deliveries. */
export function createWebhooksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const endpoints = {
    db: deps.db,
    secrets: deps.secrets,
    allowPrivateTargets: allowPrivateWebhookTargets(deps.config),
  };
  const resellerOf = (ctx: { state: AppState }) => requireAuth(ctx).reseller.id;

  router.post(
    '/webhooks',
    answers({ 201: z.object({ webhook: WebhookJson, secret: z.string() }) }),
    requireAbility('orders.write'),
    validate(createWebhookRequest),
    async (ctx) => {
      const { body } = input(ctx, createWebhookRequest);
      const { endpoint, secret } = await createEndpoint(endpoints, resellerOf(ctx), body);
      respond(
        ctx,
        { webhook: present(endpoint), secret },
        'Webhook endpoint created. Store the secret now: it is shown once.',
        201,
      );
    },
  );

  router.get(
    '/webhooks',
    answers({ 200: z.object({ webhooks: z.array(WebhookJson) }) }),
    requireAbility('orders.read'),
    async (ctx) => {
      respond(ctx, { webhooks: (await listEndpoints(deps.db, resellerOf(ctx))).map(present) });
    },
  );

  router.patch(
    '/webhooks/:webhook',
    answers({ 200: z.object({ webhook: WebhookJson }) }, ['webhook_not_found']),
    requireAbility('orders.write'),
    validate(updateWebhookRequest),
    async (ctx) => {
      const { params, body } = input(ctx, updateWebhookRequest);
      const endpoint = await updateEndpoint(endpoints, resellerOf(ctx), params.webhook, body);
      respond(ctx, { webhook: present(endpoint) }, 'Webhook endpoint updated.');
    },
  );

  router.post(
    '/webhooks/:webhook/rotate-secret',
    answers({ 200: z.object({ webhook: WebhookJson, secret: z.string() }) }, ['webhook_not_found']),
    requireAbility('orders.write'),
    validate(webhookRequest),
    async (ctx) => {
      const { params } = input(ctx, webhookRequest);
      const { endpoint, secret } = await rotateSecret(endpoints, resellerOf(ctx), params.webhook);
      respond(
        ctx,
        { webhook: present(endpoint), secret },
        'Secret rotated; deliveries are signed with both secrets for 24 hours.',
      );
    },
  );

  router.delete(
    '/webhooks/:webhook',
    answers({ 200: z.null() }, ['webhook_not_found']),
    requireAbility('orders.write'),
    validate(webhookRequest),
    async (ctx) => {
      await deleteEndpoint(deps.db, resellerOf(ctx), input(ctx, webhookRequest).params.webhook);
      respond(ctx, null, 'Webhook endpoint deleted.');
    },
  );

  router.get(
    '/webhooks/:webhook/deliveries',
    answers({ 200: z.object({ deliveries: z.array(DeliveryJson) }) }, ['webhook_not_found']),
    requireAbility('orders.read'),
    validate(webhookRequest),
    async (ctx) => {
      const jobs = await listDeliveries(deps.db, resellerOf(ctx), input(ctx, webhookRequest).params.webhook);
      respond(ctx, { deliveries: jobs.map(presentDelivery) });
    },
  );

  router.post(
    '/webhooks/:webhook/test',
    answers({ 200: WebhookTestJson }, ['webhook_not_found', 'webhook_disabled']),
    requireAbility('orders.write'),
    validate(webhookRequest),
    async (ctx) => {
      const { params } = input(ctx, webhookRequest);
      const sent = await sendTestEvent(
        {
          ...endpoints,
          temporal: deps.temporal,
          taskQueue: queueFor(deps.config, 'webhookTestWorkflow'),
          timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS + 15_000,
        },
        resellerOf(ctx),
        params.webhook,
      );
      respond(
        ctx,
        {
          event_id: sent.eventId,
          outcome: sent.outcome,
          response: sent.attempt
            ? {
                status_code: sent.attempt.statusCode,
                latency_ms: sent.attempt.latencyMs,
                excerpt: sent.attempt.responseExcerpt,
                error: sent.attempt.error,
                delivered: sent.attempt.delivered,
              }
            : null,
        },
        sent.outcome === 'delivered'
          ? 'Test event delivered.'
          : `Test event not delivered (${sent.outcome}); see the response.`,
      );
    },
  );

  router.post(
    '/webhooks/:webhook/deliveries/:event/resend',
    answers({ 202: z.object({ delivery: DeliveryJson }) }, [
      'webhook_not_found',
      'webhook_disabled',
      'delivery_not_found',
      'delivery_in_progress',
    ]),
    requireAbility('orders.write'),
    validate(resendRequest),
    async (ctx) => {
      const { params } = input(ctx, resendRequest);
      const delivery = await resendDelivery(
        { db: deps.db, temporal: deps.temporal, dispatch: relayOptions(deps.config) },
        resellerOf(ctx),
        params.webhook,
        params.event,
      );
      respond(ctx, { delivery: presentDelivery(delivery) }, 'Delivery restarted.', 202);
    },
  );

  return router;
}
