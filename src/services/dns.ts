import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { DnsRecordRow, DnsZoneRow } from '../db/models';
import type { DnsChange, DnsChangeResult, DnsRecordData } from '../../workflows/contracts';
import type { Config } from '../config';
import type { Registrar } from '../registrar/types';
import { changeDns } from './domain-ops';

/** A domain's DNS management as the reseller sees it: status, push status, supported types, records. */
export interface DnsZoneState {
  status: 'active' | 'cancelled' | 'inactive';
  /** The record types the registrar publishes: others are refused when written. */
  supportedTypes: ReadonlyArray<DnsRecordData['type']>;
  push: {
    status: string;
    failed: boolean;
    pushedAt: Date | null;
  } | null;
  /** The editable records (none unless DNS management is active), in line order. */
  records: DnsRecordRow[];
}

export async function readDnsZone(
  deps: { db: Knex; registrar: Pick<Registrar, 'dnsRecordTypes'> },
  domainId: number,
): Promise<DnsZoneState> {
  const zone = (await deps.db('dnsZones').where({ domainId }).first()) as DnsZoneRow | undefined;
  const active = zone?.status === 'active';
  const records = active
    ? ((await deps.db('dnsRecords').where({ domainId }).orderBy('line')) as DnsRecordRow[])
    : [];
  return {
    status: active ? 'active' : zone ? 'cancelled' : 'inactive',
    supportedTypes: deps.registrar.dnsRecordTypes,
    push: zone
      ? {
          status:
            zone.version === zone.pushedVersion && zone.pushStatus === 'pushed' ? 'in_sync' : zone.pushStatus,
          failed: zone.pushStatus === 'failed',
          pushedAt: zone.pushedAt,
        }
      : null,
    records,
  };
}

/**
 * Applies one change to a domain's zone through its zone workflow. Under an Idempotency-Key the
 * change is one Temporal update (its ID derived from the key): a retry after a 503 or a lost
 * answer gets the first attempt's outcome instead of applying the change again.
 */
export async function changeDnsZone(
  deps: { temporal: Client; config: Pick<Config, 'WORKFLOW_ANSWER_TIMEOUT_MS'> },
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
    deps.temporal,
    { domainId: domain.id, resellerId: domain.resellerId, domain: domain.name },
    change,
    updateId,
    deps.config.WORKFLOW_ANSWER_TIMEOUT_MS,
    resellerName,
  );
}
