import { idFrom, type PortalContext, signedInAdmin } from '../http';
import { areaPage, type PageArgs } from '../page';

export const CONSOLE_NAV = [
  { href: '/console', label: 'Overview' },
  { href: '/console/resellers', label: 'Resellers' },
  { href: '/console/catalog', label: 'Catalog' },
  { href: '/console/bulk', label: 'Bulk jobs' },
  { href: '/console/review', label: 'Review queue' },
  { href: '/console/api-logs', label: 'API logs' },
  { href: '/console/audit', label: 'Audit' },
];

/** Renders an operator page inside the console's layout. */
export const consolePage = (...args: PageArgs) => areaPage('admin', CONSOLE_NAV, ...args);

export const actorOf = (ctx: PortalContext) => `admin:${signedInAdmin(ctx).id}` as const;

/** The reseller a console list is narrowed to (`?reseller=13`), strictly parsed. */
export const resellerParam = (ctx: PortalContext) => idFrom(ctx, 'reseller', 'query');
