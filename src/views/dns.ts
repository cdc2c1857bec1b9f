import { z } from 'zod';
import type { DnsRecordRow } from '../db/models';
import type { DnsZoneState } from '../services/dns';
import { DNS_RECORD_TYPES } from '../vocabulary';
import { isoOrNull } from './json';

export const RecordTypeJson = z.enum(DNS_RECORD_TYPES);

export const DnsRecordJson = z
  .object({
    line: z.int().describe("Seed 003's record identifier, stable per zone."),
    id: z.int(),
    type: RecordTypeJson,
    name: z.string(),
    value: z.string(),
    ttl: z.int(),
    priority: z.int().optional(),
    weight: z.int().optional(),
    port: z.int().optional(),
    flags: z.int().optional(),
    tag: z.string().optional(),
    published: z
      .boolean()
      .optional()
      .describe('Hosted zones: whether the DNS server serves this record now (read back at each request).'),
  })
  .meta({ id: 'DnsRecord' });

const DsJson = z.object({
  key_tag: z.int(),
  algorithm: z.int(),
  digest_type: z.int(),
  digest: z.string(),
});

export const DnsZoneJson = z
  .object({
    dns: z.object({
      status: z.enum(['active', 'cancelled', 'inactive']),
      mode: z
        .enum(['hosted', 'registrar'])
        .nullable()
        .describe('`hosted`: the DNS addon serves the zone; `registrar`: the registrar publishes it.'),
      supported_types: z.array(RecordTypeJson),
      push: z.object({ status: z.string(), error: z.string().nullable(), pushed_at: isoOrNull }).nullable(),
      hosted: z
        .object({
          nameservers: z.array(z.string()).describe("The addon's nameservers the domain is delegated to."),
          delegated: z.boolean().describe('Whether the registrar holds those nameservers for the domain.'),
          serial: z.int().nullable().describe('The SOA serial served now.'),
          dnssec: z.object({
            enabled: z.boolean(),
            ds: z.array(DsJson),
            unsigning_after: isoOrNull.describe(
              'DNSSEC turning off: the DS is gone from the registrar and the zone stays signed until then (the DS TTL), then it is unsigned; null otherwise.',
            ),
          }),
        })
        .nullable(),
    }),
    records: z.array(DnsRecordJson),
  })
  .meta({ id: 'DnsZone' });

export const DnsRecordAnswer = DnsZoneJson.extend({ record: DnsRecordJson.optional() });

/** A DNS record as both surfaces show it: `line` first (seed 003's record identifier). */
export function presentRecord(r: DnsRecordRow & { published?: boolean }): z.infer<typeof DnsRecordJson> {
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
    ...(r.published !== undefined ? { published: r.published } : {}),
  };
}

/** The DNS view: management status and mode, push status (generic message only), the addon's state, records. */
export function presentDnsZone(zone: DnsZoneState): z.infer<typeof DnsZoneJson> {
  return {
    dns: {
      status: zone.status,
      mode: zone.mode,
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
      hosted: zone.hosted
        ? {
            nameservers: zone.hosted.nameservers,
            delegated: zone.hosted.delegated,
            serial: zone.hosted.serial,
            dnssec: {
              enabled: zone.hosted.dnssec.enabled,
              ds: zone.hosted.dnssec.ds.map((d) => ({
                key_tag: d.keyTag,
                algorithm: d.algorithm,
                digest_type: d.digestType,
                digest: d.digest,
              })),
              unsigning_after: zone.hosted.dnssec.unsigningAfter
                ? new Date(zone.hosted.dnssec.unsigningAfter).toISOString()
                : null,
            },
          }
        : null,
    },
    records: zone.records.map(presentRecord),
  };
}
