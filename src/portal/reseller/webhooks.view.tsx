import type { VNode } from 'preact';
import type { WebhookEndpointRow } from '../../db/models';
import type { AppError } from '../../services/errors';
import { endpointLabel } from '../../services/webhook-endpoints';
import type { endpointHealth, listDeliveries, sendTestEvent } from '../../services/webhook-deliveries';
import { EVENT_TYPES } from '../../webhooks/events';
import { Action, Csrf, Errors, Field, ShownOnce, Table, when } from '../components';

/* The webhook pages' markup; webhooks.tsx loads their data and handles the forms. */

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

/** The endpoints with their last delivery and failures in 24 h, and the form adding one. */
export function WebhookList(props: {
  rows: WebhookEndpointRow[];
  health: Awaited<ReturnType<typeof endpointHealth>>;
  extra: { secret?: string; error?: AppError; values?: { url: string; description: string } };
  csrf: string | undefined;
}): VNode {
  const { rows, health, extra, csrf } = props;
  return (
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
        <Errors message={extra.error?.message} errors={extra.error?.errors} shown={['url', 'description']} />
        <form method="post" action="/portal/webhooks">
          <Csrf token={csrf} />
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
    </>
  );
}

/** One endpoint: its settings, test and rotation actions, a test's outcome, its latest deliveries. */
export function WebhookEndpoint(props: {
  endpoint: WebhookEndpointRow;
  deliveries: Awaited<ReturnType<typeof listDeliveries>>;
  extra: { secret?: string; test?: Awaited<ReturnType<typeof sendTestEvent>> };
  csrf: string | undefined;
}): VNode {
  const { endpoint: e, deliveries, extra, csrf } = props;
  const base = `/portal/webhooks/${encodeURIComponent(e.publicId)}`;
  return (
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
    </>
  );
}
