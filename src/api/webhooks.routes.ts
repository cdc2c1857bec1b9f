import { queueFor } from '../temporal/queues';
import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from './http/answers';
import {
  DeliveryJson,
  presentDelivery,
  presentWebhook,
  WebhookJson,
  WebhookTestJson,
} from '../views/webhooks';
import { allowPrivateWebhookTargets } from '../config';
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from '../services/webhook-endpoints';
import { listDeliveries, resendDelivery, sendTestEvent } from '../services/webhook-deliveries';
import { relayOptions } from '../webhooks/dispatcher';
import type { AppDeps, AppState } from './http/context';
import { requireAuth } from './http/context';
import { respond } from './http/envelope';
import { requireAbility } from './middleware/auth';
import { input, validate } from './http/validate';
import { createWebhookRequest, resendRequest, updateWebhookRequest, webhookRequest } from './webhooks.schema';

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
        { webhook: presentWebhook(endpoint), secret },
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
      respond(ctx, { webhooks: (await listEndpoints(deps.db, resellerOf(ctx))).map(presentWebhook) });
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
      respond(ctx, { webhook: presentWebhook(endpoint) }, 'Webhook endpoint updated.');
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
        { webhook: presentWebhook(endpoint), secret },
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
