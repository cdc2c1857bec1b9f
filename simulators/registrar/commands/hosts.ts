/**
 * Nameserver hosts (glue): `register_ns` (host, ip), `server_list`, `set_ns_ip` (server_id,
 * ip0..ip9), `delete_ns` (server_id). A host must sit under a domain in the account, and `set_ns`
 * refuses an unregistered one there (see `unregisteredHost`), as the live service does.
 */
import { isIP } from 'node:net';
import { envelope, type Handler, type SimState } from '../state';

/** The domain of the account a host sits under (`ns1.brand.com` → `brand.com`), if any. */
export function holdingDomain(sim: Pick<SimState, 'domains'>, host: string): string | undefined {
  const labels = host.toLowerCase().split('.');
  for (let i = 1; i < labels.length - 1; i += 1) {
    const parent = labels.slice(i).join('.');
    if (sim.domains.has(parent)) return parent;
  }
  return undefined;
}

/** The first of `nameservers` inside a domain of the account with no registered host, if any. */
export function unregisteredHost(
  sim: Pick<SimState, 'domains' | 'hosts'>,
  nameservers: string[],
): string | undefined {
  return nameservers.find((ns) => holdingDomain(sim, ns) !== undefined && !sim.hosts.has(ns.toLowerCase()));
}

const ipsOf = (p: Record<string, string>): string[] =>
  Object.keys(p)
    .filter((k) => /^ip\d+$/.test(k))
    .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
    .map((k) => p[k]!.trim());

export const HOSTS_COMMANDS: Record<string, Handler> = {
  register_ns: (c) => {
    const { p, fail, sim, command } = c;
    const host = (p['host'] ?? '').toLowerCase();
    const ip = (p['ip'] ?? '').trim();
    if (!host) return fail('host is required');
    if (!holdingDomain(sim, host)) return fail(`the domain of ${host} is not in your account`);
    if (!isIP(ip)) return fail(`invalid ip address ${ip}`);
    if (sim.hosts.has(host)) return fail(`${host} is already registered`);
    const serverId = sim.newId();
    sim.hosts.set(host, { serverId, host, ips: [ip] });
    return envelope(command, {
      ResponseCode: '0',
      Status: 'success',
      RegisterNsContent: { Host: host, ServerId: serverId },
    });
  },
  server_list: (c) => {
    const { sim, command } = c;
    return envelope(command, {
      ResponseCode: '0',
      Status: 'success',
      ServerList: [...sim.hosts.values()].map((h) => ({
        ServerId: h.serverId,
        ServerName: h.host,
        ...Object.fromEntries(h.ips.map((ip, i) => [`ServerIp${i}`, ip])),
      })),
    });
  },
  set_ns_ip: (c) => {
    const { p, fail, sim, command } = c;
    const found = [...sim.hosts.values()].find((h) => h.serverId === p['server_id']);
    if (!found) return fail('could not find the server in your account');
    const ips = ipsOf(p);
    if (ips.length === 0 || ips.some((ip) => !isIP(ip))) return fail(`invalid ip address ${ips.join(',')}`);
    found.ips = ips;
    return envelope(command, { ResponseCode: '0', Status: 'success' });
  },
  delete_ns: (c) => {
    const { p, fail, sim, command } = c;
    const found = [...sim.hosts.values()].find((h) => h.serverId === p['server_id']);
    if (!found) return fail('could not find the server in your account');
    const user = [...sim.domains.values()].find((d) => d.nameservers.includes(found.host));
    if (user) return fail(`${found.host} is used by ${user.name}`);
    sim.hosts.delete(found.host);
    return envelope(command, { ResponseCode: '0', Status: 'success' });
  },
};
