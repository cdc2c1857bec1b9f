import { Router } from '@koa/router';
import { z } from 'zod';
import { allowPrivateWebhookTargets } from '../config';
import { EVENT_TYPES } from '../webhooks/events';
import { generateWebhookSecret } from '../webhooks/signing';
import { checkWebhookTarget, TargetRefusedError } from '../webhooks/targets';
import type { AppDeps, AppState } from './context';
import { requireAuth } from './context';
import { flagSchema } from './contacts.schema';
import { respond } from './envelope';
import { notFound, validationFailed } from './errors';
import { requireAbility } from './middleware/auth';
import { input, validate } from './validate';
import { newPublicId } from '../utils/public-ids';

interface EndpointRow {
  id: number;
  publicId: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
}

function present(e: EndpointRow) {
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

const events = z
  .array(z.enum(EVENT_TYPES, { error: `Events must be among ${EVENT_TYPES.join(', ')}.` }))
  .max(EVENT_TYPES.length);
const createRequest = z.object({
  body: z.object({
    url: z
      .string({ error: 'The url field is required.' })
      .trim()
      .min(1, 'The url field is required.')
      .max(2048),
    events: events.optional(),
    description: z.string().trim().max(255).optional(),
  }),
});
const idParam = z.object({ webhook: z.string().min(1).max(64) });
const updateRequest = z.object({
  params: idParam,
  body: z.object({
    enabled: flagSchema.optional(),
    events: events.optional(),
    url: z.string().trim().min(1).max(2048).optional(),
  }),
});
const showRequest = z.object({ params: idParam });

/** Webhook endpoints: create (secret shown once), list, update/enable/disable, rotate secret, delete, deliveries. */
export function createWebhooksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const allowPrivate = allowPrivateWebhookTargets(deps.config);

  const checkUrl = async (url: string) => {
    try {
      await checkWebhookTarget(url, allowPrivate);
    } catch (err) {
      if (err instanceof TargetRefusedError) throw validationFailed({ url: [err.message] });
      throw err;
    }
  };
  const find = async (resellerId: number, publicId: string) => {
    const row = (await deps.db('webhookEndpoints').where({ resellerId, publicId }).first()) as
      EndpointRow | undefined;
    if (!row) throw notFound('Webhook endpoint not found.', 'webhook_not_found');
    return row;
  };

  router.post('/webhooks', requireAbility('orders.write'), validate(createRequest), async (ctx) => {
    const { body } = input(ctx, createRequest);
    await checkUrl(body.url);
    const secret = generateWebhookSecret();
    const [row] = (await deps
      .db('webhookEndpoints')
      .insert({
        publicId: newPublicId('whe'),
        resellerId: requireAuth(ctx).reseller.id,
        url: body.url,
        description: body.description ?? null,
        events: body.events ?? [],
        secret: deps.secrets.seal(secret),
      })
      .returning('*')) as EndpointRow[];
    respond(
      ctx,
      { webhook: present(row!), secret },
      'Webhook endpoint created. Store the secret now: it is shown once.',
      201,
    );
  });

  router.get('/webhooks', requireAbility('orders.read'), async (ctx) => {
    const rows = (await deps
      .db('webhookEndpoints')
      .where({ resellerId: requireAuth(ctx).reseller.id })
      .orderBy('id')) as EndpointRow[];
    respond(ctx, { webhooks: rows.map(present) });
  });

  router.patch('/webhooks/:webhook', requireAbility('orders.write'), validate(updateRequest), async (ctx) => {
    const { params, body } = input(ctx, updateRequest);
    const row = await find(requireAuth(ctx).reseller.id, params.webhook);
    if (body.url) await checkUrl(body.url);
    const [updated] = (await deps
      .db('webhookEndpoints')
      .where({ id: row.id })
      .update({
        ...(body.url ? { url: body.url } : {}),
        ...(body.events ? { events: body.events } : {}),
        ...(body.enabled !== undefined
          ? { enabled: body.enabled, disabledReason: body.enabled ? null : 'Disabled by the reseller.' }
          : {}),
        updatedAt: deps.db.fn.now(),
      })
      .returning('*')) as EndpointRow[];
    respond(ctx, { webhook: present(updated!) }, 'Webhook endpoint updated.');
  });

  router.post(
    '/webhooks/:webhook/rotate-secret',
    requireAbility('orders.write'),
    validate(showRequest),
    async (ctx) => {
      const row = await find(requireAuth(ctx).reseller.id, input(ctx, showRequest).params.webhook);
      const current = (await deps.db('webhookEndpoints').where({ id: row.id }).first('secret')) as {
        secret: string;
      };
      const secret = generateWebhookSecret();
      await deps
        .db('webhookEndpoints')
        .where({ id: row.id })
        .update({
          secret: deps.secrets.seal(secret),
          previousSecret: current.secret,
          previousSecretExpiresAt: new Date(Date.now() + 24 * 3600_000),
          updatedAt: deps.db.fn.now(),
        });
      respond(
        ctx,
        { webhook: present(row), secret },
        'Secret rotated; deliveries are signed with both secrets for 24 hours.',
      );
    },
  );

  router.delete('/webhooks/:webhook', requireAbility('orders.write'), validate(showRequest), async (ctx) => {
    const row = await find(requireAuth(ctx).reseller.id, input(ctx, showRequest).params.webhook);
    await deps.db('webhookEndpoints').where({ id: row.id }).del();
    respond(ctx, null, 'Webhook endpoint deleted.');
  });

  router.get(
    '/webhooks/:webhook/deliveries',
    requireAbility('orders.read'),
    validate(showRequest),
    async (ctx) => {
      const row = await find(requireAuth(ctx).reseller.id, input(ctx, showRequest).params.webhook);
      const jobs = (await deps
        .db('webhookJobs as j')
        .join('events as e', 'e.id', 'j.eventId')
        .where('j.endpointId', row.id)
        .orderBy('j.id', 'desc')
        .limit(100)
        .select(
          'e.id as eventId',
          'e.type',
          'j.status',
          'j.attempts',
          'j.lastAttemptAt',
          'j.deliveredAt',
        )) as Array<Record<string, unknown>>;
      respond(ctx, {
        deliveries: jobs.map((j) => ({
          event_id: j['eventId'],
          type: j['type'],
          status: j['status'],
          attempts: j['attempts'],
          last_attempt_at: j['lastAttemptAt'] ? new Date(j['lastAttemptAt'] as Date).toISOString() : null,
          delivered_at: j['deliveredAt'] ? new Date(j['deliveredAt'] as Date).toISOString() : null,
        })),
      });
    },
  );

  return router;
}
