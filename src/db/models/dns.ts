import type { DnsRecordData } from '../../vocabulary';

/** A row of `dns_zones`: a domain's DNS management and what of it reached the registrar. */
export interface DnsZoneRow {
  domainId: number;
  status: 'active' | 'cancelled';
  /** Bumped by every change; `pushedVersion` is the version the registrar publishes. */
  version: number;
  pushedVersion: number;
  pushStatus: string;
  pushError: string | null;
  pushedAt: Date | null;
  nextLine: number;
  /** `registrar`: pushed with set_dns2; `hosted`: served by the hosted DNS addon. */
  mode: 'registrar' | 'hosted';
  /** The domain's nameservers before it was delegated to the addon (restored on cancel). */
  previousNameservers: string[] | null;
  /** Whether the registrar holds the addon's nameservers for the domain. */
  delegated: boolean;
  dnssec: 'off' | 'on';
  /** The DS records the registrar holds (hosted zones signed with DNSSEC). */
  ds: Array<{ keyTag: number; algorithm: number; digestType: number; digest: string }> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `dns_records`. */
export interface DnsRecordRow extends DnsRecordData {
  id: number;
  domainId: number;
  /** Stable per zone: the record's identifier on seed 003's surface. */
  line: number;
  createdAt: Date;
}
