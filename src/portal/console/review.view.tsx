import type { VNode } from 'preact';
import type { reviewQueue } from '../../services/reviews';
import { workflowUrl } from '../../temporal/ui-links';
import { Action, Field, when } from '../components';
import { EventCard } from './event-card';
import { displayMoney, reviewSentence } from './sentences';

/* The review queue's markup; review.tsx loads the queue and resolves what an operator decides. */

/** Orders to capture or void (with their workflow in the Temporal UI), and events to acknowledge, each as a sentence. */
export function ReviewQueue(props: {
  queue: Awaited<ReturnType<typeof reviewQueue>>;
  temporalUi: Parameters<typeof workflowUrl>[0];
  csrf: string | undefined;
}): VNode {
  const { queue, temporalUi, csrf } = props;
  return (
    <>
      <h2>Orders whose billing failed after the registrar succeeded</h2>
      {queue.orders.length === 0 && <p>No orders wait for review.</p>}
      {queue.orders.map(({ order, failedAt, error }) => (
        <article key={order.publicId} aria-labelledby={`o-${order.publicId}`}>
          <h3 id={`o-${order.publicId}`}>
            {order.action} {order.domainName}
          </h3>
          <dl class="figures">
            <dt>Order</dt>
            <dd>
              <code>{order.publicId}</code> (
              <a href={workflowUrl(temporalUi, order.workflowId)}>Temporal UI</a>)
            </dd>
            <dt>Reseller</dt>
            <dd>
              <a href={`/console/resellers/${order.resellerId}`}>#{order.resellerId}</a>
            </dd>
            <dt>Amount held</dt>
            <dd class="money">{displayMoney(order.amountMinor, order.currency)}</dd>
            <dt>Since</dt>
            <dd>{when(failedAt)}</dd>
            <dt>Error</dt>
            <dd>
              <code>{(error ?? '').slice(0, 300)}</code>
            </dd>
          </dl>
          {(['capture', 'void'] as const).map((r) => (
            <Action
              key={r}
              action={`/console/review/orders/${encodeURIComponent(order.publicId)}/${r}`}
              label={r === 'capture' ? 'Capture' : 'Void'}
              csrf={csrf}
              secondary={r === 'void'}
            >
              <Field name="reason" id={`reason-${r}-${order.publicId}`} label={`Reason to ${r}`} required />
            </Action>
          ))}
        </article>
      ))}
      <h2>Events to look at</h2>
      {queue.events.length === 0 && <p>No events wait.</p>}
      {queue.events.map((e) => (
        <EventCard key={String(e.id)} event={e} sentence={reviewSentence(e)}>
          <Action action={`/console/review/events/${e.id}/acknowledge`} label="Acknowledge" csrf={csrf} />
        </EventCard>
      ))}
    </>
  );
}
