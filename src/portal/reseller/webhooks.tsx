import { queueFor } from '../../temporal/queues';
import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { allowPrivateWebhookTargets } from '../../config';
import type { AppError } from '../../services/errors';
import { relayOptions } from '../../webhooks/dispatcher';
import {
  createEndpoint,
  endpointLabel,
  findEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from '../../services/webhook-endpoints';
import {
  endpointHealth,
  listDeliveries,
  resendDelivery,
  sendTestEvent,
} from '../../services/webhook-deliveries';
import type { EventType } from '../../webhooks/events';
import {
  attempt,
  field,
  fields,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { resellerPage } from './page';
import { WebhookEndpoint, WebhookList } from './webhooks.view';

/** Seed 000's Webhook Reseller page: endpoints, their events, secret rotation, test events, deliveries. */
export function addWebhooks(router: Router<PortalState>, deps: AppDeps): void {
  const endpoints = {
    db: deps.db,
    secrets: deps.secrets,
    allowPrivateTargets: allowPrivateWebhookTargets(deps.config),
  };
  const me = (ctx: PortalContext) => signedInReseller(ctx).id;

  const listPage = async (
    ctx: PortalContext,
    extra: { secret?: string; error?: AppError; values?: { url: string; description: string } } = {},
  ) => {
    const [rows, health] = await Promise.all([
      listEndpoints(deps.db, me(ctx)),
      endpointHealth(deps.db, me(ctx)),
    ]);
    resellerPage(
      ctx,
      'Webhooks',
      '/portal/webhooks',
      <WebhookList rows={rows} health={health} extra={extra} csrf={ctx.state.page?.csrfToken} />,
      extra.error ? 422 : 200,
    );
  };

  router.get('/portal/webhooks', (ctx) => listPage(ctx));

  router.post('/portal/webhooks', async (ctx) => {
    const values = { url: field(ctx, 'url').trim(), description: field(ctx, 'description').trim() };
    const res = await attempt(() =>
      createEndpoint(endpoints, me(ctx), {
        url: values.url,
        description: values.description || undefined,
        events: fields(ctx, 'events') as EventType[],
      }),
    );
    if ('error' in res) await listPage(ctx, { error: res.error, values });
    else await listPage(ctx, { secret: res.ok.secret });
  });

  const endpointPage = async (
    ctx: PortalContext,
    extra: { secret?: string; test?: Awaited<ReturnType<typeof sendTestEvent>> } = {},
  ) => {
    const id = ctx.params['webhook'] ?? '';
    const e = await findEndpoint(deps.db, me(ctx), id);
    const deliveries = await listDeliveries(deps.db, me(ctx), id, 50);
    const csrf = ctx.state.page?.csrfToken;
    resellerPage(
      ctx,
      `Webhook to ${endpointLabel(e.url, { host: true })}`,
      '/portal/webhooks',
      <WebhookEndpoint endpoint={e} deliveries={deliveries} extra={extra} csrf={csrf} />,
    );
  };

  router.get('/portal/webhooks/:webhook', (ctx) => endpointPage(ctx));

  router.post('/portal/webhooks/:webhook', async (ctx) => {
    const id = ctx.params['webhook'] ?? '';
    const res = await attempt(() =>
      updateEndpoint(endpoints, me(ctx), id, {
        url: field(ctx, 'url').trim() || undefined,
        description: field(ctx, 'description').trim(),
        events: fields(ctx, 'events') as EventType[],
        enabled: field(ctx, 'enabled') === '1',
      }),
    );
    await redirectWithFlash(
      deps,
      ctx,
      `/portal/webhooks/${encodeURIComponent(id)}`,
      'error' in res ? `Not saved: ${res.error.message}` : 'Saved.',
    );
  });

  router.post('/portal/webhooks/:webhook/rotate-secret', async (ctx) => {
    const { secret } = await rotateSecret(endpoints, me(ctx), ctx.params['webhook'] ?? '');
    await endpointPage(ctx, { secret });
  });

  router.post('/portal/webhooks/:webhook/test', async (ctx) => {
    const res = await attempt(() =>
      sendTestEvent(
        {
          ...endpoints,
          temporal: deps.temporal,
          taskQueue: queueFor(deps.config, 'webhookTestWorkflow'),
          timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS + 15_000,
        },
        me(ctx),
        ctx.params['webhook'] ?? '',
      ),
    );
    if ('error' in res)
      await redirectWithFlash(
        deps,
        ctx,
        `/portal/webhooks/${encodeURIComponent(ctx.params['webhook'] ?? '')}`,
        res.error.message,
      );
    else await endpointPage(ctx, { test: res.ok });
  });

  router.post('/portal/webhooks/:webhook/deliveries/:event/resend', async (ctx) => {
    const id = ctx.params['webhook'] ?? '';
    const res = await attempt(() =>
      resendDelivery(
        { db: deps.db, temporal: deps.temporal, dispatch: relayOptions(deps.config) },
        me(ctx),
        id,
        ctx.params['event'] ?? '',
      ),
    );
    await redirectWithFlash(
      deps,
      ctx,
      `/portal/webhooks/${encodeURIComponent(id)}`,
      'error' in res ? res.error.message : 'Delivery restarted.',
    );
  });
}
