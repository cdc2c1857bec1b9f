import type { Reseller } from '../db/models';
import { moneyJson } from '../money';
import type { PriceChange } from '../services/catalog-admin';
import { formatMarkup } from '../services/markup-tiers';
import type { ResellerOverview } from '../services/resellers';
import { z } from 'zod';
import { AuditEventJson, WalletJson } from './account';
import { iso, Pagination } from './json';
import { OrderJson } from './orders';

/* What the admin API answers about resellers, prices and the review queue: each schema beside its presenter. */

export const ResellerJson = z
  .object({
    id: z.int(),
    name: z.string(),
    email: z.string(),
    status: z.enum(['active', 'suspended']),
    currency: z.string(),
    markup: z.string(),
    markup_bps: z.int(),
    api_ip_allowlist: z.array(z.string()),
    created_at: iso,
  })
  .meta({ id: 'Reseller' });

export const ResellerOverviewJson = ResellerJson.extend({
  markup_tier: z.string().nullable(),
  wallet: WalletJson,
  domains: z.int(),
  open_orders: z.int(),
  live_credentials: z.int(),
}).meta({ id: 'ResellerOverview' });

const priceShown = z.object({
  price: z.string(),
  active: z.boolean(),
  min_years: z.int(),
  max_years: z.int(),
});

export const PriceChangesJson = z
  .object({
    dry_run: z.boolean(),
    summary: z.object({ added: z.int(), changed: z.int(), unchanged: z.int() }),
    changes: z.array(
      z.object({
        tld: z.string(),
        action: z.enum(['register', 'renew', 'transfer']),
        currency: z.string(),
        change: z.enum(['added', 'changed', 'unchanged']),
        before: priceShown.nullable(),
        after: priceShown,
      }),
    ),
  })
  .meta({ id: 'PriceChanges' });

export const PriceJson = z
  .object({
    tld: z.string(),
    action: z.enum(['register', 'renew', 'transfer']),
    currency: z.string(),
    price: z.string(),
    price_minor: z.string(),
    active: z.boolean(),
    min_years: z.int(),
    max_years: z.int(),
    updated_at: iso,
  })
  .meta({ id: 'Price' });

export const TierJson = z
  .object({ name: z.string(), markup: z.string(), markup_bps: z.int(), resellers: z.int().optional() })
  .meta({ id: 'MarkupTier' });

export const AdminOrderJson = OrderJson.extend({
  reseller_id: z.int(),
  workflow_url: z.string().describe("The order's workflow in the Temporal UI."),
}).meta({ id: 'AdminOrder' });

export const MeJson = z.object({
  admin: z.object({ id: z.int(), email: z.string(), name: z.string() }),
  credential: z.object({ id: z.string(), abilities: z.array(z.string()) }),
});

export const ReviewQueueJson = z.object({
  orders: z.array(AdminOrderJson.extend({ failed_at: iso, error: z.string().nullable() })),
  events: z.array(AuditEventJson),
  pagination: Pagination,
});

export function presentReseller(r: Reseller): z.infer<typeof ResellerJson> {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    status: r.status,
    currency: r.currency.trim(),
    markup: formatMarkup(r.markupBps),
    markup_bps: r.markupBps,
    api_ip_allowlist: r.apiIpAllowlist,
    created_at: r.createdAt.toISOString(),
  };
}

export function presentOverview(o: ResellerOverview): z.infer<typeof ResellerOverviewJson> {
  const c = o.balance.currency;
  return {
    ...presentReseller(o.reseller),
    markup_tier: o.tier,
    wallet: {
      balance: moneyJson(o.balance.posted, c),
      held: moneyJson(-o.balance.held, c),
      available: moneyJson(o.balance.available, c),
    },
    domains: o.domains,
    open_orders: o.openOrders,
    live_credentials: o.liveCredentials,
  };
}

export function presentChanges(changes: PriceChange[]): Omit<z.infer<typeof PriceChangesJson>, 'dry_run'> {
  const count = (k: PriceChange['change']) => changes.filter((c) => c.change === k).length;
  return {
    summary: { added: count('added'), changed: count('changed'), unchanged: count('unchanged') },
    changes,
  };
}
