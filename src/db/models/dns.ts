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
  dnssec: 'off' | 'on' | 'unsigning';
  /** While unsigning: when the zone is unsigned (past the parent's DS TTL). */
  unsignAfter: Date | null;
  /** The DS records the registrar holds (hosted zones signed with DNSSEC). */
  ds: Array<{ keyTag: number; algorithm: number; digestType: number; digest: string }> | null;
  /** A hosted zone before its latest edit, kept until that edit is published (to undo a refused one). */
  beforeChange: DnsZoneBefore | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a hosted zone's edit changed, as it was: its records (with their ids and lines) and publish state. */
export interface DnsZoneBefore {
  /** The version the edit produced: the undo applies only while the zone is still at it. */
  version: number;
  /** The next line before the edit: a refused record's line is given to the next one. */
  nextLine: number;
  pushedVersion: number;
  pushStatus: string;
  pushError: string | null;
  /** The version before the edit was the one served. */
  inSync: boolean;
  records: Array<DnsRecordData & { id: number; line: number; createdAt: string }>;
}

/** A row of `dns_records`. */
export interface DnsRecordRow extends DnsRecordData {
  id: number;
  domainId: number;
  /** Stable per zone: the record's identifier on seed 003's surface. */
  line: number;
  createdAt: Date;
}
