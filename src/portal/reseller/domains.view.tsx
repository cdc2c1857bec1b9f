import type { VNode } from 'preact';
import type { Domain } from '../../db/models';
import {
  encodeCursor,
  type listDomains,
  type readNameservers,
  type readProtection,
} from '../../services/domains';
import type { listOrders } from '../../services/order-lists';
import { presentOrder } from '../../views/orders';
import { Next, Table, when } from '../components';
import { ORDER_HEAD, orderRow } from './dashboard.view';

/* The domain and order lists' and a domain's markup; domains.tsx loads their data. */

/** The account's domains, paged. */
export function DomainList(props: { page: Awaited<ReturnType<typeof listDomains>> }): VNode {
  const { page } = props;
  return (
    <>
      <Table
        caption="Your domains"
        head={['Domain', 'Status', 'Expires', 'Auto-renew', 'Privacy', 'Lock']}
        rows={page.items.map((d) => [
          <a href={`/portal/domains/${d.id}`}>{d.name}</a>,
          d.status,
          when(d.expiresAt),
          d.autoRenew ? 'on' : 'off',
          d.privacy,
          d.locked ? 'locked' : 'unlocked',
        ])}
        empty="No domains yet."
      />
      <Next href={page.nextCursor ? `/portal/domains?cursor=${page.nextCursor}` : null} />
    </>
  );
}

/**
 * One domain: what we hold, and what the registrar holds (its lock, privacy and nameservers), or
 * why the registrar could not be asked.
 */
export function DomainPage(props: {
  domain: Domain;
  protection: Awaited<ReturnType<typeof readProtection>> | string;
  nameservers: Awaited<ReturnType<typeof readNameservers>> | string;
}): VNode {
  const { domain, protection, nameservers } = props;
  return (
    <>
      <dl class="figures">
        <dt>Status</dt>
        <dd>{domain.status}</dd>
        <dt>Registered</dt>
        <dd>{when(domain.registeredAt)}</dd>
        <dt>Expires</dt>
        <dd>{when(domain.expiresAt)}</dd>
        <dt>Auto-renew</dt>
        <dd>{domain.autoRenew ? 'on' : 'off'}</dd>
      </dl>
      <p>
        <a href={`/portal/domains/${domain.id}/dns`}>DNS records and DNSSEC →</a>
      </p>
      <h2>At the registrar</h2>
      {typeof protection === 'string' ? (
        <p role="status">{protection}</p>
      ) : (
        <dl class="figures">
          <dt>Lock</dt>
          <dd data-figure="lock">{protection.locked ? 'locked' : 'unlocked'}</dd>
          <dt>Privacy</dt>
          <dd data-figure="privacy">{protection.privacy}</dd>
        </dl>
      )}
      <h3>Nameservers</h3>
      {typeof nameservers === 'string' ? (
        <p role="status">{nameservers}</p>
      ) : (
        <ul>
          {nameservers.map((n) => (
            <li key={n}>
              <code>{n}</code>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The account's orders, oldest first, paged. */
export function OrderList(props: { page: Awaited<ReturnType<typeof listOrders>> }): VNode {
  const { page } = props;
  return (
    <>
      <Table
        caption="Your orders, oldest first"
        head={ORDER_HEAD}
        rows={page.items.map((o) => orderRow(presentOrder(o)))}
        empty="No orders yet."
      />
      <Next
        href={page.more && page.lastId !== null ? `/portal/orders?cursor=${encodeCursor(page.lastId)}` : null}
      />
    </>
  );
}
