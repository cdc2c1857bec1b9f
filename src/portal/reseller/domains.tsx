import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { decodeCursor, listDomains, ownedDomain, readContacts } from '../../services/domains';
import { AppError } from '../../services/errors';
import { listOrders } from '../../services/order-lists';
import type { PortalContext, PortalState } from '../http';
import { signedInReseller } from '../http';
import { DomainList, DomainPage, OrderList } from './domains.view';
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

/** Domains (each from our record, with its registrar sync state) and orders, keyset-paginated. */
export function addDomains(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/portal/domains', async (ctx) => {
    const page = await listDomains(deps.db, signedInReseller(ctx).id, { limit: 25, afterId: cursorOf(ctx) });
    resellerPage(ctx, 'Domains', '/portal/domains', <DomainList page={page} />);
  });

  router.get('/portal/domains/:domain', async (ctx) => {
    const domain = await ownedDomain(deps.db, signedInReseller(ctx).id, ctx.params['domain'] ?? '');
    // Our record; only contacts we never sent are read from the registrar (once, then kept).
    const contacts = await fromRegistrar(() => readContacts(deps, domain));
    resellerPage(ctx, domain.name, '/portal/domains', <DomainPage domain={domain} contacts={contacts} />);
  });

  router.get('/portal/orders', async (ctx) => {
    const page = await listOrders(deps.db, signedInReseller(ctx).id, { limit: 25, afterId: cursorOf(ctx) });
    resellerPage(ctx, 'Orders', '/portal/orders', <OrderList page={page} />);
  });
}
