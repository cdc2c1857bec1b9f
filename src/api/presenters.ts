import type { DomainSummary } from '../services/domains';
import type { z } from 'zod';
import type { DomainJson } from './schemas';

/** The public JSON of a domain, shared by every surface. */
export function presentDomain(d: DomainSummary): z.infer<typeof DomainJson> {
  return {
    id: d.id,
    domain_name: d.name,
    status: d.status,
    registered_at: d.registeredAt?.toISOString() ?? null,
    expires_at: d.expiresAt?.toISOString() ?? null,
    auto_renew: d.autoRenew,
    privacy: d.privacy,
    locked: d.locked,
    nameservers: d.nameservers,
  };
}
