import type { Domain } from '../db/models';

/** The public JSON of a domain, shared by every surface. */
export function presentDomain(d: Domain) {
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
