import type { Knex } from 'knex';
import { RegistrarError } from '../src/registrar/errors';
import type { GlueHost, Registrar } from '../src/registrar/types';
import type { DomainOperation } from '../workflows/contracts';

type HostOperation = Extract<DomainOperation, { op: 'register_host' | 'set_host_ips' | 'delete_host' }>;

/** Our record of a registered host, beside the domain it sits under. */
export interface GlueHostRow {
  id: number;
  domainId: number;
  host: string;
  ips: string[];
  serverId: string;
}

/**
 * A nameserver host (glue) registered, readdressed or deleted at the registrar, then recorded:
 * safe to retry (a host the registrar already lists is taken over, not registered twice; a
 * host it no longer lists is simply forgotten).
 */
export async function applyHostOperation(
  deps: { db: Knex; registrar: Registrar },
  domainId: number,
  operation: HostOperation,
): Promise<Record<string, unknown>> {
  const { db, registrar } = deps;
  const host = operation.host.toLowerCase();
  const listed = async (): Promise<GlueHost | undefined> =>
    (await registrar.listHosts()).find((h) => h.host === host);
  /** The host's registrar ID: ours, or the registrar's list when we lost it. */
  const serverIdOf = async () =>
    ((await db('glue_hosts').where({ host }).first('serverId')) as Pick<GlueHostRow, 'serverId'> | undefined)
      ?.serverId ?? (await listed())?.serverId;
  const record = async (h: GlueHost) => {
    await db('glue_hosts')
      .insert({ domainId, host, ips: h.ips, serverId: h.serverId })
      .onConflict('host')
      .merge({ ips: h.ips, serverId: h.serverId, updatedAt: db.fn.now() });
    return { host: { host, ips: h.ips } };
  };
  switch (operation.op) {
    case 'register_host': {
      try {
        return await record(await registrar.registerHost(host, operation.ips));
      } catch (err) {
        // A retry after a lost answer: the registrar has it already; give it the addresses asked.
        const there = err instanceof RegistrarError && !err.retryable ? await listed() : undefined;
        if (!there) throw err;
        await registrar.setHostIps(there.serverId, operation.ips);
        return record({ ...there, ips: [...operation.ips] });
      }
    }
    case 'set_host_ips': {
      const serverId = await serverIdOf();
      if (!serverId) throw new RegistrarError('rejected', `${host} is not registered`, 'set_ns_ip');
      await registrar.setHostIps(serverId, operation.ips);
      return record({ serverId, host, ips: [...operation.ips] });
    }
    case 'delete_host': {
      const serverId = await serverIdOf();
      if (serverId) {
        try {
          await registrar.deleteHost(serverId);
        } catch (err) {
          // Gone already (a retry): nothing left to delete.
          if (!(err instanceof RegistrarError) || err.retryable || (await listed())) throw err;
        }
      }
      await db('glue_hosts').where({ host }).delete();
      return { host: { host, deleted: true } };
    }
  }
}
