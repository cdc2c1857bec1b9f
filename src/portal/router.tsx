import type { Limiters } from '../rate-limits';
import { Router } from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware } from 'koa';
import type { CoreDeps as AppDeps } from '../services/deps';
import type { SessionKind } from '../services/sessions';
import { PICO_CSS, PORTAL_CSS } from './assets';
import { Layout } from './components';
import { addConsoleCatalog } from './console/catalog';
import { addConsoleBulk } from './console/bulk';
import { addConsoleOverview } from './console/overview';
import { addConsoleResellers } from './console/resellers';
import { addConsoleReview } from './console/review';
import { addConsoleTrail } from './console/trail';
import {
  AREAS,
  errorPage,
  loadPage,
  pageHeaders,
  type PortalState,
  render,
  signedInOnly,
  signInThrottle,
} from './http';
import { addAccess } from './reseller/access';
import { addTokens } from './reseller/tokens';
import { addDashboard } from './reseller/dashboard';
import { addDns } from './reseller/dns';
import { addDomains } from './reseller/domains';
import { addLogs } from './reseller/logs';
import { addWallet } from './reseller/wallet';
import { addWebhooks } from './reseller/webhooks';
import { addContacts } from './reseller/contacts';
import { addExports } from './reseller/exports';
import { addBulk } from './reseller/bulk';
import { addSignIn } from './sign-in';

function errorPageFor(kind: SessionKind) {
  return (ctx: Context, status: number, message: string) =>
    render(
      ctx,
      <Layout
        title={status === 404 ? 'Not found' : status === 403 ? 'Refused' : 'Something went wrong'}
        area={AREAS[kind].title}
        nav={[{ href: AREAS[kind].path, label: 'Back to the start' }]}
      >
        <p role="alert">{message}</p>
      </Layout>,
      status,
    );
}

/**
 * The browser pages: the reseller portal under /portal, the operator console under /console, and
 * their stylesheets under /assets (served by the app itself). Each area: sign-in first, then its
 * pages, which call the same services as the API.
 */
export function createPortal(deps: AppDeps, limiters: Limiters): Middleware {
  const assets = new Router<PortalState>();
  assets.get('/assets/pico.classless.min.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = PICO_CSS;
  });
  assets.get('/assets/portal.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = PORTAL_CSS;
  });

  const area = (kind: SessionKind, pages: Array<(r: Router<PortalState>, d: AppDeps) => void>) => {
    const open = new Router<PortalState>();
    addSignIn(open, deps, kind, signInThrottle(limiters, kind));
    const closed = new Router<PortalState>();
    for (const add of pages) add(closed, deps);
    const chain = compose([
      errorPage(errorPageFor(kind), deps.log),
      loadPage(deps, kind),
      open.routes(),
      signedInOnly(deps, kind),
      closed.routes(),
    ] as Middleware[]);
    const prefix = AREAS[kind].path;
    return async (ctx: Context, next: () => Promise<void>) => {
      if (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`)) await chain(ctx, next);
      else await next();
    };
  };

  const reseller = area('reseller', [
    addDashboard,
    addAccess,
    addTokens,
    addWebhooks,
    addLogs,
    addDomains,
    addContacts,
    addExports,
    addBulk,
    addDns,
    addWallet,
  ]);
  const admin = area('admin', [
    addConsoleOverview,
    addConsoleReview,
    addConsoleTrail,
    addConsoleResellers,
    addConsoleCatalog,
    addConsoleBulk,
  ]);
  const pages = compose([pageHeaders, assets.routes(), reseller, admin] as Middleware[]);
  // Only the browser's paths pass through here: an API answer carries no page headers.
  return async (ctx, next) => {
    if (/^\/(portal|console|assets)(\/|$)/.test(ctx.path)) await pages(ctx, next);
    else await next();
  };
}
