import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { presentOrder } from '../../views/orders';
import {
  decodeCursor,
  encodeCursor,
  listDomains,
  ownedDomain,
  readNameservers,
  readProtection,
} from '../../services/domains';
import { AppError } from '../../services/errors';
import { listOrders } from '../../services/order-lists';
import { Next, Table, when } from '../components';
import type { PortalContext, PortalState } from '../http';
import { signedInReseller } from '../http';
import { ORDER_HEAD, orderRow } from './dashboard';
import { resellerPage } from './page';

const cursorOf = (ctx: PortalContext): number | undefined => {
  const c = typeof ctx.query['cursor'] === 'string' ? decodeCursor(ctx.query['cursor']) : null;
  return c ?? undefined;
};

/** What the registrar says, or why it could not be asked (the page still shows our record). */
async function fromRegistrar<T>(fn: () => Promise<T>): Promise<T | string> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) return err.message;
    throw err;
  }
}

/** Domains (with a detail read from the registrar) and orders, keyset-paginated. */
export function addDomains(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/portal/domains', async (ctx) => {
    const page = await listDomains(deps.db, signedInReseller(ctx).id, { limit: 25, afterId: cursorOf(ctx) });
    resellerPage(
      ctx,
      'Domains',
      '/portal/domains',
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
      </>,
    );
  });

  router.get('/portal/domains/:domain', async (ctx) => {
    const domain = await ownedDomain(deps.db, signedInReseller(ctx).id, ctx.params['domain'] ?? '');
    const [protection, nameservers] = await Promise.all([
      fromRegistrar(() => readProtection(deps, domain)),
      fromRegistrar(() => readNameservers(deps, domain)),
    ]);
    resellerPage(
      ctx,
      domain.name,
      '/portal/domains',
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
      </>,
    );
  });

  router.get('/portal/orders', async (ctx) => {
    const page = await listOrders(deps.db, signedInReseller(ctx).id, { limit: 25, afterId: cursorOf(ctx) });
    resellerPage(
      ctx,
      'Orders',
      '/portal/orders',
      <>
        <Table
          caption="Your orders, oldest first"
          head={ORDER_HEAD}
          rows={page.items.map((o) => orderRow(presentOrder(o)))}
          empty="No orders yet."
        />
        <Next
          href={
            page.more && page.lastId !== null ? `/portal/orders?cursor=${encodeCursor(page.lastId)}` : null
          }
        />
      </>,
    );
  });
}
