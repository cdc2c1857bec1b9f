import type { Config } from '../config';
import { fqdn, PowerDnsClient } from './powerdns';
import { type DnsServerAddress, parseDnsServer } from './served-keys';

/** The hosted DNS addon as the app uses it: its server's API, the nameserver pair, the SOA contact. */
export interface HostedDnsAddon {
  client: PowerDnsClient;
  /** Where hosted domains are delegated at the registrar (lower case, no trailing dot). */
  nameservers: string[];
  soaContact: string;
  /** The addon's DNS servers as the worker reaches them: each must serve a key before its DS is sent. */
  dnsServers: DnsServerAddress[];
}

/** The addon from configuration, or null when DNS_ADDON_URL is unset (registrar-hosted DNS only). */
export function createDnsAddon(
  config: Pick<
    Config,
    | 'DNS_ADDON_URL'
    | 'DNS_ADDON_API_KEY'
    | 'DNS_ADDON_SERVER_ID'
    | 'DNS_ADDON_NAMESERVERS'
    | 'DNS_ADDON_SOA_CONTACT'
    | 'DNS_ADDON_TIMEOUT_MS'
    | 'DNS_ADDON_DNS_SERVERS'
    | 'DNS_ADDON_DNS_PORT'
  >,
): HostedDnsAddon | null {
  if (!config.DNS_ADDON_URL) return null;
  return {
    client: new PowerDnsClient({
      url: config.DNS_ADDON_URL,
      apiKey: config.DNS_ADDON_API_KEY,
      serverId: config.DNS_ADDON_SERVER_ID,
      timeoutMs: config.DNS_ADDON_TIMEOUT_MS,
    }),
    nameservers: config.DNS_ADDON_NAMESERVERS,
    soaContact: config.DNS_ADDON_SOA_CONTACT,
    dnsServers: (config.DNS_ADDON_DNS_SERVERS ?? [`127.0.0.1:${config.DNS_ADDON_DNS_PORT}`]).map(
      parseDnsServer,
    ),
  };
}

/** The SOA a new hosted zone starts with (the serial is the server's to bump from here). */
export function soaContent(addon: Pick<HostedDnsAddon, 'nameservers' | 'soaContact'>): string {
  return `${fqdn(addon.nameservers[0]!)} ${fqdn(addon.soaContact)} 1 10800 3600 604800 3600`;
}
