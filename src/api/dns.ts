import type { Domain } from '../db/models';
import { changeDnsZone, readDnsZone } from '../services/dns';
import type { DnsChange } from '../../workflows/contracts';
import type { AppContext, AppDeps } from './context';
import { AppError, unprocessable } from '../services/errors';
import { presentDnsZone } from './presenters';

/** The DNS view both surfaces answer with. */
export async function dnsZoneView(deps: AppDeps, domainId: number) {
  return presentDnsZone(await readDnsZone(deps, domainId));
}

/** Applies a DNS change through the DNS service; a refusal is 404 (unknown record) or 422. */
export async function applyDnsChange(deps: AppDeps, ctx: AppContext, domain: Domain, change: DnsChange) {
  const key = ctx.get('Idempotency-Key');
  const result = await changeDnsZone(
    deps,
    domain,
    change,
    key === '' ? undefined : key,
    ctx.state.auth?.reseller.name,
  );
  if (!result.ok) {
    if (result.code === 'record_not_found') throw new AppError(404, result.code, result.message);
    throw unprocessable(result.code, result.message);
  }
  return result;
}
