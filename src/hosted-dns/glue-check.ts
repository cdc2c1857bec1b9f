import type { Knex } from 'knex';
import type { Registrar } from '../registrar/types';
import type { HostedDnsAddon } from './addon';

/**
 * The addon's nameservers that sit under a domain we hold but are not registered hosts (glue) at
 * the registrar: delegating a domain to them would be refused (`'ns1.x' needs to be registered
 * with an ip address before it can be used.`). Nameservers under domains elsewhere need nothing
 * from us. One `server_list` call when any sits under a domain of ours.
 */
export async function addonNameserversWithoutGlue(
  deps: { db: Knex; registrar: Pick<Registrar, 'listHosts'> },
  addon: Pick<HostedDnsAddon, 'nameservers'>,
): Promise<string[]> {
  const parents = (ns: string) =>
    ns
      .split('.')
      .map((_, i, labels) => labels.slice(i).join('.'))
      .slice(1, -1);
  const candidates = addon.nameservers.map((ns) => ({ ns, parents: parents(ns) }));
  const held = new Set(
    (
      (await deps
        .db('domains')
        .whereIn(
          'name',
          candidates.flatMap((c) => c.parents),
        )
        .select('name')) as Array<{ name: string }>
    ).map((d) => d.name),
  );
  const inOurs = candidates.filter((c) => c.parents.some((p) => held.has(p))).map((c) => c.ns);
  if (inOurs.length === 0) return [];
  const registered = new Set((await deps.registrar.listHosts()).map((h) => h.host));
  return inOurs.filter((ns) => !registered.has(ns));
}
