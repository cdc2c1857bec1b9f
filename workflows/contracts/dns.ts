/** The DNS zone workflow: one per domain, taking changes one at a time. Workflow-safe: no Node built-ins. */
import { type DnsRecordData } from '../../src/vocabulary';

export type DnsChange =
  /** `records`: what the registrar publishes now, read by the zone workflow: the starting set. */
  | {
      kind: 'provision';
      records?: DnsRecordData[];
      /** On the hosted DNS addon: the zone served by it and the domain delegated to its nameservers. */
      hosted?: boolean;
    }
  | { kind: 'cancel' }
  | { kind: 'create'; record: DnsRecordData }
  | { kind: 'update'; ref: string; record: DnsRecordData }
  | { kind: 'delete'; ref: string }
  | { kind: 'replace'; records: DnsRecordData[]; push: boolean }
  | { kind: 'push' }
  /** Hosted zones: sign the zone and send its DS to the registrar, or remove the DS and unsign. */
  | { kind: 'dnssec'; enabled: boolean };

export type DnsChangeResult =
  { ok: true; version: number; line?: number } | { ok: false; code: string; message: string };

export interface DnsZoneInput {
  domainId: number;
  resellerId: number;
  domain: string;
  /** How long the zone waits, quiet, before its run ends (absent: 60 s; tests pass less). */
  quietSeconds?: number;
}

/** What the zone workflow needs to know of a domain's zone before a change. */
export interface ZoneMode {
  mode: 'registrar' | 'hosted';
  status: 'active' | 'cancelled';
  /** `unsigning`: the DS is gone from the registrar, the zone still signed until its timer ends. */
  dnssec: 'off' | 'on' | 'unsigning';
  delegated: boolean;
}

export const dnsZoneWorkflowId = (domainId: number): string => `dns:${domainId}`;
