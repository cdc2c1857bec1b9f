import type { Reseller } from '../../db/models';
import { moneyJson } from '../../money';
import type { PriceChange } from '../../services/catalog-admin';
import { formatMarkup } from '../../services/markup-tiers';
import type { ResellerOverview } from '../../services/resellers';
import type { z } from 'zod';
import type { PriceChangesJson, ResellerJson, ResellerOverviewJson } from '../schemas';

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
