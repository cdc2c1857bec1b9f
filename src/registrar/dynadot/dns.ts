/** DNS records on Dynadot's api3 wire: `set_dns2`'s parameters and `get_dns`'s answer. */
import { RegistrarError } from '../errors';
import type { DnsRecord, DsRecord } from '../types';
import { asArray, type Body, type Params, str } from './wire';

/** `set_dns2` parameters: records on `@` as main records, the rest as subdomain records; one TTL. */
export function setDnsParams(records: readonly DnsRecord[], types: ReadonlyArray<DnsRecord['type']>): Params {
  const params: Params = {};
  let main = 0;
  let sub = 0;
  for (const r of records) {
    if (!types.includes(r.type)) {
      throw new RegistrarError('unsupported', `Dynadot api3 cannot publish ${r.type} records`, 'set_dns2');
    }
    const type = r.type.toLowerCase();
    if (r.name === '@') {
      params[`main_record_type${main}`] = type;
      params[`main_record${main}`] = r.value;
      if (r.priority !== undefined) params[`main_recordx${main}`] = r.priority;
      main += 1;
    } else {
      params[`subdomain${sub}`] = r.name;
      params[`sub_record_type${sub}`] = type;
      params[`sub_record${sub}`] = r.value;
      if (r.priority !== undefined) params[`sub_recordx${sub}`] = r.priority;
      sub += 1;
    }
  }
  const ttl = records[0]?.ttl;
  if (ttl !== undefined) params['ttl'] = ttl;
  return params;
}

/** `get_dns`'s main and subdomain records, with the zone's TTL. */
export function readDns(body: Body): DnsRecord[] {
  const settings = ((body['GetDns'] ?? body) as Body)['NameServerSettings'] as Body | undefined;
  const ttl = Number(str(settings?.['Ttl'])) || 14400;
  const read = (list: unknown, name: (r: Body) => string): DnsRecord[] =>
    (asArray(list) as Body[]).map((r) => {
      const priority = str(r['RecordValue2']);
      return {
        type: str(r['RecordType']).toUpperCase() as DnsRecord['type'],
        name: name(r),
        value: str(r['Value']),
        ttl,
        ...(priority ? { priority: Number(priority) } : {}),
      };
    });
  return [
    ...read(settings?.['MainDomains'], () => '@'),
    ...read(settings?.['SubDomains'], (r) => str(r['Subhost'])),
  ];
}

/**
 * `get_dnssec`'s DS records. Independent clients call the command (with `domain_name`) but quote
 * no live answer, so this reads Dynadot's usual shapes defensively: a list (or one object) of
 * `KeyTag`/`Algorithm`/`DigestType`/`Digest` under any key of the answer, or those fields flat.
 */
export function readDnssec(body: Body): DsRecord[] {
  const entries: Body[] = [];
  const visit = (value: unknown) => {
    for (const item of asArray(value) as unknown[]) {
      if (!item || typeof item !== 'object') continue;
      const b = item as Body;
      if ('KeyTag' in b || 'Digest' in b) entries.push(b);
      else for (const v of Object.values(b)) if (v && typeof v === 'object') visit(v);
    }
  };
  visit(body);
  return entries
    .map((e) => ({
      keyTag: Number(str(e['KeyTag'])),
      algorithm: Number(str(e['Algorithm'])),
      digestType: Number(str(e['DigestType'])),
      digest: str(e['Digest']).toLowerCase(),
    }))
    .filter((d) => Number.isInteger(d.keyTag) && d.digest !== '');
}

/** `set_dnssec`'s parameters: the domain as `domain_name`, and the DS record's four fields. */
export function setDnssecParams(domain: string, ds: DsRecord): Params {
  return {
    domain_name: domain,
    key_tag: ds.keyTag,
    algorithm: ds.algorithm,
    digest_type: ds.digestType,
    digest: ds.digest,
  };
}

/** `get_ns`'s `NsContent` (`Host0`, `Host1`, …) in order, lower case. */
export function readNameservers(body: Body): string[] {
  const content = (body['NsContent'] ?? {}) as Body;
  return Object.keys(content)
    .filter((k) => /^Host\d+$/.test(k))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((k) => str(content[k]).toLowerCase())
    .filter(Boolean);
}
