/** The Dynadot-hosted DNS records and the DS records sent to the registry. */
import type { Handler } from '../state';

export const DNS_COMMANDS: Record<string, Handler> = {
  set_dns2: (c) => {
    const { p, owned, notFound } = c;
    if (!owned) return notFound();
    const pick = (prefix: string) =>
      Object.keys(p)
        .filter((k) => new RegExp(`^${prefix}_record_type\\d+$`).test(k))
        .map((k) => k.slice(`${prefix}_record_type`.length))
        .map((i) => ({
          RecordType: p[`${prefix}_record_type${i}`]!,
          Value: p[`${prefix}_record${i}`] ?? '',
          ...(p[`${prefix}_recordx${i}`] ? { RecordValue2: p[`${prefix}_recordx${i}`]! } : {}),
          ...(prefix === 'sub' ? { Subhost: p[`subdomain${i}`] ?? '' } : {}),
        }));
    owned.dns = { main: pick('main'), sub: pick('sub'), ttl: Number(p['ttl'] ?? '14400') };
    return { SetDnsResponse: { ResponseCode: 0, Status: 'success' } };
  },
  set_dnssec: (c) => {
    const { p, owned, fail, notFound } = c;
    if (!owned) return notFound();
    const fields = ['key_tag', 'algorithm', 'digest_type', 'digest'] as const;
    if (fields.some((f) => !p[f])) return fail('key_tag, algorithm, digest_type and digest are required');
    if (!/^\d+$/.test(p['key_tag']!) || !/^[0-9a-fA-F]+$/.test(p['digest']!))
      return fail('invalid dnssec record');
    const ds = {
      KeyTag: p['key_tag']!,
      Algorithm: p['algorithm']!,
      DigestType: p['digest_type']!,
      Digest: p['digest']!.toUpperCase(),
    };
    owned.dnssec = [
      ...(owned.dnssec ?? []).filter((d) => d.KeyTag !== ds.KeyTag || d.DigestType !== ds.DigestType),
      ds,
    ];
    return { SetDnssecResponse: { ResponseCode: 0, Status: 'success' } };
  },
  get_dnssec: (c) => {
    const { owned, notFound } = c;
    if (!owned) return notFound();
    return {
      GetDnssecResponse: { ResponseCode: 0, Status: 'success', DnssecInfo: owned.dnssec ?? [] },
    };
  },
  set_clear_domain_setting: (c) => {
    const { p, owned, fail, notFound } = c;
    if (!owned) return notFound();
    const service = p['service'];
    if (service === 'dnssec') owned.dnssec = [];
    else if (service === 'nameservers') owned.nameservers = [];
    else if (service === 'dns') owned.dns = { main: [], sub: [], ttl: 14400 };
    else return fail('invalid service');
    return { SetClearDomainSettingResponse: { ResponseCode: '0', Status: 'success' } };
  },
  get_dns: (c) => {
    const { owned, notFound } = c;
    if (!owned) return notFound();
    return {
      GetDnsResponse: {
        ResponseCode: 0,
        Status: 'success',
        GetDns: {
          NameServerSettings: {
            Type: 'Dynadot DNS',
            Ttl: String(owned.dns.ttl),
            MainDomains: owned.dns.main,
            SubDomains: owned.dns.sub,
          },
        },
      },
    };
  },
};
