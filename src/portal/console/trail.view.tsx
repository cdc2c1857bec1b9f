import type { VNode } from 'preact';
import type { listAuditEvents } from '../../services/audit';
import { Next } from '../components';
import { nextLink } from '../reseller/logs.view';
import { EventCard } from './event-card';
import { AUDIT_TYPES, auditSentence } from './sentences';

/* The audit trail's markup; trail.tsx loads the events. */

/** The filter (reseller, type), then each event as a sentence with its raw data folded, newest first. */
export function AuditTrail(props: {
  page: Awaited<ReturnType<typeof listAuditEvents>>;
  /** The type filtered on, if any. */
  type: string | undefined;
  /** The reseller filter as typed. */
  reseller: string;
  query: Record<string, unknown>;
}): VNode {
  const { page, type, reseller, query } = props;
  return (
    <>
      <form method="get" action="/console/audit" class="filters" role="search">
        <label for="a-reseller">
          Reseller id
          <input id="a-reseller" name="reseller" value={reseller} />
        </label>
        <label for="a-type">
          Type
          <select id="a-type" name="type">
            <option value="">any</option>
            {[...new Set([...AUDIT_TYPES, ...(type ? [type] : [])])].map((t) => (
              <option key={t} value={t} selected={type === t}>
                {t.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      {page.items.length === 0 && <p>Nothing recorded.</p>}
      {page.items.map((e) => (
        <EventCard key={String(e.id)} event={e} sentence={auditSentence(e)} />
      ))}
      <Next href={nextLink('/console/audit', query, page.nextBeforeId)} />
    </>
  );
}
