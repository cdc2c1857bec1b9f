import { RegistrarError } from '../errors';
import type { GlueHost, Registrar } from '../types';
import { asArray, type Body, type Params, str } from './wire';

type Call = (command: string, params?: Params) => Promise<Body>;

/** `server_list`'s hosts: `ServerId`, `ServerName` and its addresses `ServerIp0..` (the numbered form is ours). */
export function hostsOf(body: Body): GlueHost[] {
  return (asArray(body['ServerList']) as Body[]).map((s) => ({
    serverId: str(s['ServerId']),
    host: str(s['ServerName']).toLowerCase(),
    ips: Object.keys(s)
      .filter((k) => /^ServerIp\d+$/.test(k))
      .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))
      .map((k) => str(s[k]))
      .filter(Boolean),
  }));
}

const ipParams = (serverId: string, ips: readonly string[]): Params => {
  const params: Params = { server_id: serverId };
  ips.forEach((ip, i) => (params[`ip${i}`] = ip));
  return params;
};

/**
 * Dynadot's nameserver commands: `set_ns`, and the host commands (glue): `register_ns` (host, ip) registers a host under a
 * domain of the account with one address, `set_ns_ip` (server_id, ip0..) replaces its addresses,
 * `delete_ns` (server_id) removes it, `server_list` lists them.
 */
export function hostCommands(
  call: Call,
): Pick<Registrar, 'setNameservers' | 'listHosts' | 'registerHost' | 'setHostIps' | 'deleteHost'> {
  const listHosts = async () => hostsOf(await call('server_list'));
  return {
    /** `set_ns` (ns0..ns12); the live service refuses an in-bailiwick host without glue. */
    async setNameservers(domain, nameservers) {
      const params: Params = { domain };
      nameservers.forEach((ns, i) => (params[`ns${i}`] = ns));
      await call('set_ns', params);
    },
    listHosts,
    async registerHost(host, ips) {
      const [first, ...more] = ips;
      if (!first) throw new RegistrarError('rejected', 'a host needs an address', 'register_ns');
      const body = await call('register_ns', { host, ip: first });
      const content = (body['RegisterNsContent'] ?? {}) as Body;
      // The answer's ServerId where it gives one, else the account's list says.
      const serverId =
        str(content['ServerId']) ||
        (await listHosts()).find((h) => h.host === host.toLowerCase())?.serverId ||
        '';
      if (!serverId) throw new RegistrarError('retryable', `register_ns: ${host} not listed`, 'register_ns');
      if (more.length > 0) await call('set_ns_ip', ipParams(serverId, ips));
      return { serverId, host: host.toLowerCase(), ips: [...ips] };
    },
    async setHostIps(serverId, ips) {
      await call('set_ns_ip', ipParams(serverId, ips));
    },
    async deleteHost(serverId) {
      await call('delete_ns', { server_id: serverId });
    },
  };
}
