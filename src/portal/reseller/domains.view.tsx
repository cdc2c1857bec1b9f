import type { VNode } from 'preact';
import type { Domain, RenewalHeld } from '../../db/models';
import { groupMinor } from '../../money';
import type { Contacts } from '../../registrar/types';
import { encodeCursor, type listDomains } from '../../services/domains';
import type { listOrders } from '../../services/order-lists';
import { presentOrder } from '../../views/orders';
import { Action, Csrf, Next, Table, when } from '../components';
import type { GlueHostRecord } from '../../services/glue-hosts';
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
          d.renewalHeld ? 'held: the price rose' : d.autoRenew ? 'on' : 'off',
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
 * One domain as our record holds it (what was sent to the registrar), with whether the registrar
 * shows it yet: it lags behind a change (up to ~30 minutes), and the page says so instead of
 * showing the registrar's older answer.
 */
export function DomainPage(props: {
  domain: Domain;
  contacts: Contacts | string;
  hosts: GlueHostRecord[];
  csrf: string | undefined;
}): VNode {
  const { domain, contacts, hosts, csrf } = props;
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
        {domain.premium && (
          <>
            <dt>Renewal price</dt>
            <dd>premium: the registrar's own price for this name, not the catalog's</dd>
          </>
        )}
      </dl>
      {domain.renewalHeld && <RenewalHeldNotice held={domain.renewalHeld} />}
      <p>
        <a href={`/portal/domains/${domain.id}/dns`}>DNS records and DNSSEC →</a>
      </p>
      <h2>At the registrar</h2>
      {domain.registrarPendingSince === null ? (
        <p role="status" data-figure="registrar-sync">
          The registrar holds these settings (last checked {when(domain.registrarSyncedAt)}).
        </p>
      ) : (
        <p role="status" data-figure="registrar-sync" class="notice">
          Sent to the registrar {when(domain.registrarPendingSince)}; it does not show them yet (this can take
          up to 30 minutes). What you see is what was sent.
        </p>
      )}
      <dl class="figures">
        <dt>Lock</dt>
        <dd data-figure="lock">{domain.locked ? 'locked' : 'unlocked'}</dd>
        <dt>Privacy</dt>
        <dd data-figure="privacy">{domain.privacy}</dd>
      </dl>
      <h3>Nameservers</h3>
      <ul data-figure="nameservers">
        {domain.nameservers.map((n) => (
          <li key={n}>
            <code>{n}</code>
          </li>
        ))}
      </ul>
      <h3>Nameserver hosts (glue)</h3>
      <p class="note">
        To use nameservers under {domain.name} (such as <code>ns1.{domain.name}</code>), register each host
        with its addresses first: the registrar refuses them otherwise.
      </p>
      <Table
        caption={`Nameserver hosts under ${domain.name}`}
        head={['Host', 'Addresses', '']}
        rows={hosts.map((h) => [
          <code>{h.host}</code>,
          h.ips.join(', '),
          <Action
            action={`/portal/domains/${domain.id}/hosts/delete`}
            label={`Delete ${h.host}`}
            csrf={csrf}
            hidden={{ host: h.host }}
            secondary
          />,
        ])}
        empty="No nameserver hosts registered."
      />
      <form method="post" action={`/portal/domains/${domain.id}/hosts`}>
        <Csrf token={csrf} />
        <label for="f-host">
          Host
          <input id="f-host" name="host" placeholder={`ns1.${domain.name}`} required />
        </label>
        <label for="f-ips">
          Addresses (IPv4 or IPv6, separated by spaces or commas)
          <input id="f-ips" name="ips" required />
        </label>
        <button type="submit">Register or change the host</button>
      </form>
      <h3>Contacts</h3>
      {typeof contacts === 'string' ? (
        <p role="status">{contacts}</p>
      ) : (
        <dl class="figures" data-figure="contacts">
          <dt>Registrant</dt>
          <dd>
            {contacts.registrant.name} &lt;{contacts.registrant.email}&gt;
          </dd>
          <dt>Admin</dt>
          <dd>
            {contacts.admin.name} &lt;{contacts.admin.email}&gt;
          </dd>
        </dl>
      )}
    </>
  );
}

/** An auto-renewal held back because the price rose: nothing was charged, the reseller decides. */
function RenewalHeldNotice(props: { held: RenewalHeld }): VNode {
  const { held } = props;
  const money = (minor: string) => `${groupMinor(BigInt(minor), held.currency)} ${held.currency}`;
  return (
    <p role="alert" class="notice" data-figure="renewal-held">
      Auto-renewal held: a year now costs {money(held.priceMinor)}, up from the {money(held.previousMinor)}{' '}
      you last paid, so nothing was charged. Renew it yourself at the new price before it expires (
      {when(new Date(held.expiresAt))}), or it will not be renewed.
    </p>
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
