import type { DnsRecordRow } from '../db/models';
import type { DomainSummary } from '../services/domains';
import type { DnsZoneState } from '../services/dns';
import type { z } from 'zod';
import type { DnsRecordJson, DnsZoneJson, DomainJson } from './schemas';

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

/** A DNS record as both surfaces show it: `line` first (seed 003's record identifier). */
export function presentRecord(r: DnsRecordRow): z.infer<typeof DnsRecordJson> {
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
export function presentDnsZone(zone: DnsZoneState): z.infer<typeof DnsZoneJson> {
  return {
    dns: {
      status: zone.status,
      supported_types: [...zone.supportedTypes],
      push: zone.push
        ? {
            status: zone.push.status,
            // Generic message only: no upstream infrastructure details.
            error: zone.push.failed
              ? 'The DNS records could not be published; check the record types.'
              : null,
            pushed_at: zone.push.pushedAt ? new Date(zone.push.pushedAt).toISOString() : null,
          }
        : null,
    },
    records: zone.records.map(presentRecord),
  };
}
