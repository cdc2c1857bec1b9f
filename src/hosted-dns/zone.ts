/**
 * A hosted zone as records (our rows, addressed by line) and as rrsets (what the DNS server
 * serves): the conversion both ways, and the changes that bring the served zone to our records.
 * Pure: no I/O.
 */
import type { DnsRecordData } from '../../workflows/contracts';
import { fqdn, type RRset } from './powerdns';

export type ZoneRecord = Pick<
  DnsRecordData,
  'type' | 'name' | 'value' | 'ttl' | 'priority' | 'weight' | 'port' | 'flags' | 'tag'
>;

/** `@` → `example.com.`, `www` → `www.example.com.` */
export function ownerName(name: string, zone: string): string {
  return name === '@' ? fqdn(zone) : `${name}.${fqdn(zone)}`;
}

/** The strings of a TXT value: `"a" "b"` (quoted, `\"` and `\\` escaped) or one plain string. */
export function txtStrings(value: string): string[] | null {
  const trimmed = value.trim();
  if (!trimmed.startsWith('"')) return [trimmed];
  const strings: string[] = [];
  let i = 0;
  while (i < trimmed.length) {
    if (trimmed[i] === ' ' || trimmed[i] === '\t') {
      i += 1;
      continue;
    }
    if (trimmed[i] !== '"') return null;
    let s = '';
    i += 1;
    for (;;) {
      if (i >= trimmed.length) return null;
      const c = trimmed[i]!;
      if (c === '\\' && i + 1 < trimmed.length) {
        s += trimmed[i + 1];
        i += 2;
      } else if (c === '"') {
        i += 1;
        break;
      } else {
        s += c;
        i += 1;
      }
    }
    strings.push(s);
  }
  return strings;
}

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A record's content in zone-file form, as the DNS server stores and serves it. */
export function recordContent(r: ZoneRecord): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.value;
    case 'CNAME':
    case 'NS':
      return fqdn(r.value);
    case 'MX':
      return `${r.priority ?? 0} ${fqdn(r.value)}`;
    case 'SRV':
      return `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${r.value === '.' ? '.' : fqdn(r.value)}`;
    case 'CAA':
      return `${r.flags ?? 0} ${r.tag ?? 'issue'} ${quote(r.value)}`;
    case 'TXT':
      return (txtStrings(r.value) ?? [r.value]).map(quote).join(' ');
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Our records as rrsets (one per owner name and type, its TTL the smallest of its records), with
 * the zone's own nameservers at the apex.
 */
export function desiredRRsets(
  zone: string,
  records: readonly ZoneRecord[],
  nameservers: readonly string[],
): RRset[] {
  const sets = new Map<string, RRset>();
  const add = (name: string, type: string, ttl: number, content: string) => {
    const key = `${name.toLowerCase()}|${type}`;
    const set = sets.get(key) ?? { name, type, ttl, records: [] };
    set.ttl = Math.min(set.ttl, ttl);
    if (!set.records.some((x) => same(x.content, content))) set.records.push({ content, disabled: false });
    sets.set(key, set);
  };
  for (const ns of nameservers) add(fqdn(zone), 'NS', 86400, fqdn(ns));
  for (const r of records) add(ownerName(r.name, zone), r.type, r.ttl, recordContent(r));
  return [...sets.values()];
}

/** rrset types the server manages itself: never written or deleted by us. */
const SERVER_MANAGED = new Set(['SOA', 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY']);

const equalSets = (a: RRset, b: RRset) =>
  a.ttl === b.ttl &&
  a.records.length === b.records.length &&
  a.records.every((x) => b.records.some((y) => !y.disabled && same(x.content, y.content)));

/** The PATCH that makes the served zone what we hold: rrsets replaced, and those we no longer hold deleted. */
export function zoneChanges(desired: readonly RRset[], served: readonly RRset[]) {
  const key = (r: RRset) => `${r.name.toLowerCase()}|${r.type}`;
  const servedByKey = new Map(served.filter((r) => !SERVER_MANAGED.has(r.type)).map((r) => [key(r), r]));
  const changes: Array<{ name: string; type: string; ttl: number; records: RRset['records'] }> = [];
  for (const want of desired) {
    const have = servedByKey.get(key(want));
    servedByKey.delete(key(want));
    if (!have || !equalSets(want, have)) changes.push(want);
  }
  for (const gone of servedByKey.values())
    changes.push({ name: gone.name, type: gone.type, ttl: gone.ttl, records: [] });
  return changes;
}

/** Whether the served zone holds this record (its owner name, type and content). */
export function isServed(zone: string, record: ZoneRecord, served: readonly RRset[]): boolean {
  const name = ownerName(record.name, zone).toLowerCase();
  const content = recordContent(record);
  return served.some(
    (s) =>
      s.name.toLowerCase() === name &&
      s.type === record.type &&
      s.records.some((x) => !x.disabled && same(x.content, content)),
  );
}
