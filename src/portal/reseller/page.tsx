import { areaPage, type PageArgs } from '../page';

export const RESELLER_NAV = [
  { href: '/portal', label: 'Dashboard' },
  { href: '/portal/domains', label: 'Domains' },
  { href: '/portal/contacts', label: 'Contacts' },
  { href: '/portal/orders', label: 'Orders' },
  { href: '/portal/bulk', label: 'Bulk jobs' },
  { href: '/portal/wallet', label: 'Wallet' },
  { href: '/portal/api-access', label: 'API Access' },
  { href: '/portal/tokens', label: 'API Tokens' },
  { href: '/portal/webhooks', label: 'Webhooks' },
  { href: '/portal/api-logs', label: 'API Logs' },
  { href: '/portal/exports', label: 'Data export' },
];

/** Renders a reseller page inside the portal's layout. */
export const resellerPage = (...args: PageArgs) => areaPage('reseller', RESELLER_NAV, ...args);
