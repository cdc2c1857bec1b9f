import type { Domain } from '../db/models';
import { applyZoneChange, readDnsZone } from '../services/dns';
import type { DnsChange } from '../../workflows/contracts';
import type { AppContext, AppDeps } from './http/context';
import { presentDnsZone } from '../views/dns';

/** The DNS view both surfaces answer with. */
export async function dnsZoneView(deps: AppDeps, domain: { id: number; name: string }) {
  return presentDnsZone(await readDnsZone(deps, domain));
}

/** Applies a DNS change through the DNS service; a refusal is 404 (unknown record) or 422. */
export async function applyDnsChange(deps: AppDeps, ctx: AppContext, domain: Domain, change: DnsChange) {
  const key = ctx.get('Idempotency-Key');
  return applyZoneChange(deps, domain, change, key === '' ? undefined : key, ctx.state.auth?.reseller.name);
}
