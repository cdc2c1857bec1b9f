import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { decodeCursor, listDomains, ownedDomain, readContacts } from '../../services/domains';
import { AppError } from '../../services/errors';
import { glueHostsOf, runHostOperation, setGlueHost } from '../../services/glue-hosts';
import type { Domain } from '../../db/models';
import { listOrders } from '../../services/order-lists';
import type { PortalContext, PortalState } from '../http';
import { field, redirectWithFlash, signedInReseller } from '../http';
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
    const hosts = await glueHostsOf(deps.db, domain.id);
    resellerPage(
      ctx,
      domain.name,
      '/portal/domains',
      <DomainPage domain={domain} contacts={contacts} hosts={hosts} csrf={ctx.state.page?.csrfToken} />,
    );
  });

  // Nameserver hosts (glue): registered, readdressed or deleted at the registrar by a workflow each.
  const hostChange = async (ctx: PortalContext, change: (domain: Domain) => Promise<string>) => {
    const domain = await ownedDomain(deps.db, signedInReseller(ctx).id, ctx.params['domain'] ?? '');
    const here = `/portal/domains/${domain.id}`;
    try {
      await redirectWithFlash(deps, ctx, here, await change(domain));
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const detail = Object.values(err.errors ?? {})
        .flat()
        .join(' ');
      await redirectWithFlash(deps, ctx, here, `Not changed: ${err.message}${detail ? ` ${detail}` : ''}`);
    }
  };
  router.post('/portal/domains/:domain/hosts', async (ctx: PortalContext) => {
    await hostChange(ctx, async (domain) => {
      const { host, ips, registered } = await setGlueHost(deps, domain, {
        host: field(ctx, 'host'),
        ips: field(ctx, 'ips')
          .split(/[\s,]+/)
          .filter(Boolean),
      });
      return `${host} ${registered ? 'registered at the registrar with' : 'now answers at'} ${ips.join(', ')}.`;
    });
  });
  router.post('/portal/domains/:domain/hosts/delete', async (ctx: PortalContext) => {
    await hostChange(ctx, async (domain) => {
      const host = field(ctx, 'host').toLowerCase();
      await runHostOperation(deps, domain, { op: 'delete_host', host });
      return `${host} deleted at the registrar.`;
    });
  });

  router.get('/portal/orders', async (ctx) => {
    const page = await listOrders(deps.db, signedInReseller(ctx).id, { limit: 25, afterId: cursorOf(ctx) });
    resellerPage(ctx, 'Orders', '/portal/orders', <OrderList page={page} />);
  });
}
