/** DNS records on Dynadot's api3 wire: `set_dns2`'s parameters and `get_dns`'s answer. */
import { RegistrarError } from '../errors';
import type { DnsRecord } from '../types';
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
