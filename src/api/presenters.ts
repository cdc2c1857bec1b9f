import type { DnsRecordRow, Domain } from '../db/models';
import type { DnsZoneState } from '../services/dns';

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

/** A DNS record as both surfaces show it: `line` first (seed 003's record identifier). */
export function presentRecord(r: DnsRecordRow) {
  return {
    line: r.line,
    id: r.id,
    type: r.type,
    name: r.name,
    value: r.value,
    ttl: r.ttl,
    ...(r.priority !== null ? { priority: r.priority } : {}),
    ...(r.weight !== null ? { weight: r.weight } : {}),
    ...(r.port !== null ? { port: r.port } : {}),
    ...(r.flags !== null ? { flags: r.flags } : {}),
    ...(r.tag !== null ? { tag: r.tag } : {}),
  };
}

/** The DNS view: management status, supported types, push status (generic message only) and records. */
export function presentDnsZone(z: DnsZoneState) {
  return {
    dns: {
      status: z.status,
      supported_types: z.supportedTypes,
      push: z.push
        ? {
            status: z.push.status,
            // Generic message only: no upstream infrastructure details.
            error: z.push.failed ? 'The DNS records could not be published; check the record types.' : null,
            pushed_at: z.push.pushedAt ? new Date(z.push.pushedAt).toISOString() : null,
          }
        : null,
    },
    records: z.records.map(presentRecord),
  };
}
