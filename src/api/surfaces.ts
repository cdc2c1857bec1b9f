import type { AppDeps } from './http/context';
import { createLegacyRouter } from './legacy/legacy.routes';
import { createPaymentCallbacksRouter } from './payments/callbacks.routes';
import { createResellerDnsRouter } from './reseller-v1/dns.routes';
import { createResellerDomainsRouter } from './reseller-v1/domains.routes';
import { createResellerOrdersRouter } from './reseller-v1/orders.routes';
import { createStatusRouter } from './reseller-v1/status.routes';
import { createWalletRouter } from './reseller-v1/wallet.routes';
import { createV1DnsRouter } from './v1/dns.routes';
import { createV1DomainsRouter } from './v1/domains.routes';
import { createV1ManageRouter } from './v1/manage.routes';
import { createV1HostsRouter } from './v1/hosts.routes';
import { createV1OrdersRouter } from './v1/orders.routes';
import { createWebhooksRouter } from './webhooks.routes';
import { createContactsRouter } from './contacts.routes';
import { createExportsRouter } from './exports.routes';
import { createBulkJobsRouter } from './bulk-jobs.routes';
import { createAccountRouter } from './account.routes';
import { createAdminCatalogRouter } from './admin/catalog.routes';
import { createAdminRatesRouter } from './admin/rates.routes';
import { createAdminLogsRouter } from './admin/logs.routes';
import { createAdminCredentialsRouter } from './admin/credentials.routes';
import { createAdminResellersRouter } from './admin/resellers.routes';
import { createAdminReviewsRouter } from './admin/reviews.routes';

/** Every surface's routers: what the app mounts, the OpenAPI document describes and the route tests walk. */
export function surfaceRouters(deps: AppDeps) {
  return {
    v1: [
      createV1DomainsRouter(deps),
      createV1OrdersRouter(deps),
      createV1ManageRouter(deps),
      createV1HostsRouter(deps),
      createV1DnsRouter(deps),
      createContactsRouter(deps),
      createExportsRouter(deps),
      createBulkJobsRouter(deps),
      createWebhooksRouter(deps),
      createAccountRouter(deps),
    ],
    resellerV1: [
      createStatusRouter(deps),
      createResellerDomainsRouter(deps),
      createResellerOrdersRouter(deps),
      createWalletRouter(deps),
      createResellerDnsRouter(deps),
      createContactsRouter(deps),
      createExportsRouter(deps),
      createBulkJobsRouter(deps),
      createWebhooksRouter(deps),
      createAccountRouter(deps),
    ],
    admin: [
      createAdminLogsRouter(deps),
      createAdminResellersRouter(deps),
      createAdminCredentialsRouter(deps),
      createAdminCatalogRouter(deps),
      createAdminRatesRouter(deps),
      createAdminReviewsRouter(deps),
    ],
    legacy: createLegacyRouter(deps),
    callbacks: createPaymentCallbacksRouter(deps),
  };
}

export type SurfaceRouters = ReturnType<typeof surfaceRouters>;
