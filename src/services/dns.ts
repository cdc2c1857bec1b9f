import { queueFor, type QueueConfig } from '../temporal/queues';
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { DnsRecordRow, DnsZoneRow } from '../db/models';
import {
  type DnsChange,
  type DnsChangeResult,
  type DnsRecordData,
  DNS_RECORD_TYPES,
} from '../../workflows/contracts';
import type { Config } from '../config';
import type { HostedDnsAddon } from '../hosted-dns/addon';
import type { ServedZone } from '../hosted-dns/powerdns';
import { isServed } from '../hosted-dns/zone';
import type { DsRecord, Registrar } from '../registrar/types';
import { AppError, unavailable, unprocessable } from './errors';
import { changeDns } from './domain-ops';

/** A domain's DNS management as the reseller sees it: status, push status, supported types, records. */
export interface DnsZoneState {
  status: 'active' | 'cancelled' | 'inactive';
  /** Where the zone is served: the hosted DNS addon, or the registrar's DNS (null: not managed yet). */
  mode: 'hosted' | 'registrar' | null;
  /** The record types the zone can publish: all eight on the addon, the registrar's otherwise. */
  supportedTypes: ReadonlyArray<DnsRecordData['type']>;
  push: {
    status: string;
    failed: boolean;
    pushedAt: Date | null;
  } | null;
  /** The editable records (none unless DNS management is active), in line order. */
  records: Array<DnsRecordRow & { published?: boolean }>;
  /** On the addon: what its server serves (read back now), the delegation and DNSSEC. */
  hosted: {
    nameservers: string[];
    delegated: boolean;
    serial: number | null;
    /** `unsigningAfter`: DNSSEC turning off, the DS gone, the zone signed until then. */
    dnssec: { enabled: boolean; ds: DsRecord[]; unsigningAfter: Date | null };
  } | null;
}

/**
 * The zone as the reseller sees it. A hosted zone's records are read back from what the addon's
 * server serves (each marked published or not); when that server does not answer, 503.
 */
export async function readDnsZone(
  deps: { db: Knex; registrar: Pick<Registrar, 'dnsRecordTypes'>; dnsAddon: HostedDnsAddon | null },
  domain: { id: number; name: string },
): Promise<DnsZoneState> {
  const domainId = domain.id;
  const zone = (await deps.db('dnsZones').where({ domainId }).first()) as DnsZoneRow | undefined;
  const active = zone?.status === 'active';
  const hosted = active && zone.mode === 'hosted';
  const rows = active
    ? ((await deps.db('dnsRecords').where({ domainId }).orderBy('line')) as DnsRecordRow[])
    : [];
  let records: DnsZoneState['records'] = rows;
  let served: ServedZone | null = null;
  if (hosted) {
    if (!deps.dnsAddon)
      throw unavailable('dns_unavailable', 'The DNS service is not available; try again later.', 30);
    try {
      served = await deps.dnsAddon.client.getZone(domain.name);
    } catch {
      throw unavailable('dns_unavailable', 'The DNS service did not answer; try again later.', 5);
    }
    records = rows.map((r) => ({
      ...r,
      published: served ? isServed(domain.name, r, served.rrsets) : false,
    }));
  }
  const typesOf = (mode: 'hosted' | 'registrar') =>
    mode === 'hosted' ? DNS_RECORD_TYPES : deps.registrar.dnsRecordTypes;
  return {
    status: active ? 'active' : zone ? 'cancelled' : 'inactive',
    mode: active ? zone.mode : null,
    // Before DNS management is active: what provisioning would give (the addon's, where there is one).
    supportedTypes: typesOf(active ? zone.mode : deps.dnsAddon ? 'hosted' : 'registrar'),
    push: zone
      ? {
          status:
            zone.version === zone.pushedVersion && zone.pushStatus === 'pushed' ? 'in_sync' : zone.pushStatus,
          failed: zone.pushStatus === 'failed',
          pushedAt: zone.pushedAt,
        }
      : null,
    records,
    hosted:
      hosted && deps.dnsAddon
        ? {
            nameservers: deps.dnsAddon.nameservers,
            delegated: zone.delegated,
            serial: served?.serial ?? null,
            dnssec: {
              enabled: zone.dnssec === 'on',
              ds: zone.ds ?? [],
              unsigningAfter: zone.dnssec === 'unsigning' ? zone.unsignAfter : null,
            },
          }
        : null,
  };
}

/**
 * Applies one change to a domain's zone through its zone workflow. Under an Idempotency-Key the
 * change is one Temporal update (its ID derived from the key): a retry after a 503 or a lost
 * answer gets the first attempt's outcome instead of applying the change again.
 */
export async function changeDnsZone(
  deps: { temporal: Client; config: Pick<Config, 'WORKFLOW_ANSWER_TIMEOUT_MS'> & QueueConfig },
  domain: { id: number; resellerId: number; name: string },
  change: DnsChange,
  idempotencyKey: string | undefined,
  /** Named in the zone run's summary in the Temporal UI. */
  resellerName?: string,
): Promise<DnsChangeResult> {
  const updateId = idempotencyKey
    ? `dns:${createHash('sha256').update(`${domain.resellerId}:${idempotencyKey}`).digest('hex')}`
    : undefined;
  return changeDns(
    { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'dnsZoneWorkflow') },
    { domainId: domain.id, resellerId: domain.resellerId, domain: domain.name },
    change,
    updateId,
    deps.config.WORKFLOW_ANSWER_TIMEOUT_MS,
    resellerName,
  );
}

/**
 * Applies a DNS change for a surface (the API's or the portal's): a refusal is an AppError, 404
 * for an unknown record, 422 otherwise (a CNAME clash as a field error on the record's name).
 */
export async function applyZoneChange(
  deps: { temporal: Client; config: Pick<Config, 'WORKFLOW_ANSWER_TIMEOUT_MS'> & QueueConfig },
  domain: { id: number; resellerId: number; name: string },
  change: DnsChange,
  idempotencyKey: string | undefined,
  resellerName?: string,
): Promise<Extract<DnsChangeResult, { ok: true }>> {
  const result = await changeDnsZone(deps, domain, change, idempotencyKey, resellerName);
  if (result.ok) return result;
  if (result.code === 'record_not_found') throw new AppError(404, result.code, result.message);
  if (result.code === 'cname_conflict')
    throw unprocessable(result.code, result.message, {
      [change.kind === 'replace' ? 'records' : 'name']: [result.message],
    });
  throw unprocessable(result.code, result.message);
}
