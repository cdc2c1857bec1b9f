import { queueFor } from '../../temporal/queues';
import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { allowPrivateWebhookTargets } from '../../config';
import type { WebhookEndpointRow } from '../../db/models';
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
import { EVENT_TYPES, type EventType } from '../../webhooks/events';
import { Action, Csrf, Errors, Field, ShownOnce, Table, when } from '../components';
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

const eventsOf = (e: WebhookEndpointRow) => (e.events.length > 0 ? e.events : [...EVENT_TYPES]);

function EventChoice(props: { chosen: readonly string[] }) {
  return (
    <fieldset>
      <legend>Events</legend>
      {EVENT_TYPES.map((t) => (
        <label for={`ev-${t}`} key={t}>
          <input type="checkbox" id={`ev-${t}`} name="events" value={t} checked={props.chosen.includes(t)} />{' '}
          {t}
        </label>
      ))}
    </fieldset>
  );
}

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
      <>
        {extra.secret && (
          <ShownOnce
            label="The endpoint's signing secret"
            secret={extra.secret}
            note="Verify X-Webhook-Signature with it."
          />
        )}
        <Table
          caption="Webhook endpoints"
          head={['Endpoint', 'Description', 'Events', 'Enabled', 'Last delivery', 'Failed in 24 h']}
          rows={rows.map((e) => {
            const hp = health.get(e.id);
            return [
              <a href={`/portal/webhooks/${encodeURIComponent(e.publicId)}`}>{endpointLabel(e.url)}</a>,
              e.description ?? '',
              eventsOf(e).join(', '),
              e.enabled ? 'yes' : `no${e.disabledReason ? ` (${e.disabledReason})` : ''}`,
              hp ? (
                <span data-last-delivery>
                  {hp.lastDelivered ? 'delivered' : 'failed'} ({hp.lastStatus ?? hp.lastError ?? 'no answer'}
                  ), {when(hp.lastAt)}
                </span>
              ) : (
                'none yet'
              ),
              <span data-failures>{String(hp?.failures24h ?? 0)}</span>,
            ];
          })}
          empty="No endpoints yet."
        />
        <section aria-labelledby="new-wh-h">
          <h2 id="new-wh-h">Add an endpoint</h2>
          <Errors
            message={extra.error?.message}
            errors={extra.error?.errors}
            shown={['url', 'description']}
          />
          <form method="post" action="/portal/webhooks">
            <Csrf token={ctx.state.page?.csrfToken} />
            <Field
              name="url"
              label="URL"
              type="url"
              value={extra.values?.url}
              errors={extra.error?.errors}
              required
            />
            <Field
              name="description"
              label="Description (optional)"
              value={extra.values?.description}
              errors={extra.error?.errors}
            />
            <EventChoice chosen={EVENT_TYPES} />
            <button type="submit">Add endpoint</button>
          </form>
        </section>
      </>,
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
    const base = `/portal/webhooks/${encodeURIComponent(e.publicId)}`;
    resellerPage(
      ctx,
      `Webhook to ${endpointLabel(e.url, { host: true })}`,
      '/portal/webhooks',
      <>
        {extra.secret && (
          <ShownOnce
            label="The new signing secret"
            secret={extra.secret}
            note="Deliveries are signed with both secrets for 24 hours."
          />
        )}
        {extra.test && (
          <article aria-labelledby="test-h" data-test-outcome={extra.test.outcome}>
            <h2 id="test-h">Test event: {extra.test.outcome}</h2>
            <p>
              The receiver answered {extra.test.attempt?.statusCode ?? 'nothing'}
              {extra.test.attempt?.latencyMs !== undefined && extra.test.attempt?.latencyMs !== null
                ? ` in ${extra.test.attempt.latencyMs} ms`
                : ''}
              {extra.test.attempt?.error ? ` (${extra.test.attempt.error})` : ''}.
            </p>
            {extra.test.attempt?.responseExcerpt && (
              <pre>
                <code>{extra.test.attempt.responseExcerpt}</code>
              </pre>
            )}
          </article>
        )}
        <p>{e.description}</p>
        <form method="post" action={base}>
          <Csrf token={csrf} />
          <Field name="url" label="URL" type="url" value={e.url} required />
          <Field name="description" label="Description" value={e.description ?? ''} />
          <EventChoice chosen={eventsOf(e)} />
          <label for="f-enabled">
            <input type="checkbox" id="f-enabled" name="enabled" value="1" checked={e.enabled} /> Enabled
          </label>
          <button type="submit">Save</button>
        </form>
        <p>
          <Action action={`${base}/test`} label="Send test event" csrf={csrf} />{' '}
          <Action action={`${base}/rotate-secret`} label="Rotate secret" csrf={csrf} secondary />
        </p>
        <h2>Deliveries</h2>
        <Table
          caption="Latest deliveries"
          head={['Event', 'Type', 'Status', 'Attempts', 'Answer', 'Latency', 'Response', 'Last attempt', '']}
          rows={deliveries.map((d) => [
            <code>{d.eventId}</code>,
            d.type,
            d.status,
            String(d.attempts),
            d.statusCode === null ? (d.error ?? '—') : String(d.statusCode),
            d.latencyMs === null ? '—' : `${d.latencyMs} ms`,
            d.responseExcerpt ? <code>{d.responseExcerpt.slice(0, 120)}</code> : '',
            when(d.lastAttemptAt),
            <Action
              action={`${base}/deliveries/${encodeURIComponent(d.eventId)}/resend`}
              label="Resend"
              csrf={csrf}
              secondary
            />,
          ])}
          empty="Nothing delivered yet."
        />
      </>,
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
