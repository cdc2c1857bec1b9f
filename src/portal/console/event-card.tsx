import type { ComponentChildren } from 'preact';
import type { AuditEvent } from '../../db/models';
import { when } from '../components';
import { actorName } from './sentences';

/**
 * One audit or review event as an operator reads it: the sentence first, then who, what kind,
 * which reseller and when, the actions (if any), and the raw data folded away.
 */
export const EventCard = (props: {
  event: Pick<AuditEvent, 'id' | 'type' | 'actor' | 'resellerId' | 'createdAt' | 'data'>;
  sentence: string;
  children?: ComponentChildren;
}) => {
  const e = props.event;
  return (
    <article class="event-card" data-event={String(e.id)}>
      <p data-sentence>{props.sentence}</p>
      <p class="meta">
        {e.type.replace(/_/g, ' ')} · {actorName(e.actor)} ·{' '}
        {e.resellerId === null ? (
          'no reseller'
        ) : (
          <a href={`/console/resellers/${e.resellerId}`}>reseller #{e.resellerId}</a>
        )}{' '}
        · {when(e.createdAt)} · event #{String(e.id)}
      </p>
      {props.children}
      <details>
        <summary>Raw data</summary>
        <pre>
          <code>{JSON.stringify(e.data, null, 2)}</code>
        </pre>
      </details>
    </article>
  );
};
