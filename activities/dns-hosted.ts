import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { DnsRecordRow, DnsZoneRow, Domain } from '../src/db/models';
import { type HostedDnsAddon, soaContent } from '../src/hosted-dns/addon';
import { DnsAddonRefused } from '../src/hosted-dns/powerdns';
import { whyKeysNotServed } from '../src/hosted-dns/served-keys';
import { desiredRRsets, zoneChanges } from '../src/hosted-dns/zone';
import type { DsRecord, Registrar } from '../src/registrar/types';
import { RegistrarError } from '../src/registrar/errors';
import { DomainFailures, type ZoneMode } from '../workflows/contracts';
import { domainRegistrarFailure as registrarFailure } from './domains';

export interface HostedDnsActivityDeps {
  db: Knex;
  registrar: Registrar;
  /** Null where no addon is configured: its steps then fail as refusals. */
  dnsAddon: HostedDnsAddon | null;
  /** How long a zone stays signed after its DS left the registrar (DNSSEC_UNSIGN_DELAY_SECONDS). */
  dnssecUnsignDelayMs: number;
  /** How long a signed zone's keys may take to be served before DNSSEC on gives up (DNSSEC_DNSKEY_WAIT_SECONDS). */
  dnskeyWaitMs: number;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x.toLowerCase()));

/**
 * The hosted DNS addon's steps: the zone published to (and removed from) its DNS server, the
 * domain delegated to its nameservers (and given back its own), DNSSEC signing with the DS at the
 * registrar. Each step is idempotent: a retry after a lost answer finds its work done.
 */
export function createHostedDnsActivities(deps: HostedDnsActivityDeps) {
  const { db, registrar } = deps;

  const addon = (): HostedDnsAddon => {
    if (!deps.dnsAddon)
      throw ApplicationFailure.nonRetryable(
        'The DNS addon is not available.',
        DomainFailures.DnsAddonRejected,
      );
    return deps.dnsAddon;
  };
  /** A refusal of the addon's server is final (answered as 422); anything else is retried. */
  const addonFailure = (err: unknown): never => {
    if (err instanceof DnsAddonRefused)
      throw ApplicationFailure.nonRetryable(
        `The DNS service refused the zone: ${err.message}`,
        DomainFailures.DnsAddonRejected,
      );
    throw err;
  };
  const domainName = async (domainId: number) =>
    ((await db('domains').where({ id: domainId }).first('name')) as Pick<Domain, 'name'>).name;
  const zoneRow = async (domainId: number) =>
    (await db('dnsZones').where({ domainId }).first()) as DnsZoneRow | undefined;
  /** The zone unsigned on the addon, then recorded so (only while it is still `only`'s state, when given). */
  const unsign = async (domainId: number, only: Partial<Pick<DnsZoneRow, 'dnssec'>> = {}) => {
    const { client } = addon();
    try {
      await client.setDnssec(await domainName(domainId), false);
    } catch (err) {
      addonFailure(err);
    }
    await db('dnsZones')
      .where({ domainId, ...only })
      .update({ dnssec: 'off', ds: null, unsignAfter: null, updatedAt: db.fn.now() });
  };

  return {
    async dnsZoneMode(domainId: number): Promise<ZoneMode | null> {
      const zone = await zoneRow(domainId);
      return zone
        ? { mode: zone.mode, status: zone.status, dnssec: zone.dnssec, delegated: zone.delegated }
        : null;
    },

    /**
     * Makes the served zone what we hold (created when missing; rrsets replaced or deleted in one
     * change, which bumps the serial once), then records the version published.
     */
    async publishHostedZone(domainId: number): Promise<void> {
      const { client, nameservers } = addon();
      const zone = await zoneRow(domainId);
      if (!zone || zone.status !== 'active' || zone.mode !== 'hosted') return;
      const name = await domainName(domainId);
      const rows = (await db('dnsRecords').where({ domainId }).orderBy('line')) as DnsRecordRow[];
      const desired = desiredRRsets(name, rows, nameservers);
      await db('dnsZones').where({ domainId }).update({ pushStatus: 'pushing' });
      try {
        const served = await client.getZone(name);
        if (!served) {
          await client.createZone({ zone: name, soa: soaContent(addon()), rrsets: desired });
        } else {
          await client.patchRRsets(name, zoneChanges(desired, served.rrsets));
        }
        await db('dnsZones').where({ domainId }).update({
          pushedVersion: zone.version,
          pushStatus: 'pushed',
          pushError: null,
          pushedAt: db.fn.now(),
        });
      } catch (err) {
        await db('dnsZones')
          .where({ domainId })
          .update({
            pushStatus: 'retrying',
            pushError: err instanceof Error ? err.message.slice(0, 500) : 'error',
          });
        return addonFailure(err);
      }
    },

    /** Removes the zone from the addon's server (gone already is fine). */
    async removeHostedZone(domainId: number): Promise<void> {
      const { client } = addon();
      try {
        await client.deleteZone(await domainName(domainId));
      } catch (err) {
        addonFailure(err);
      }
    },

    /**
     * Points the domain at the addon's nameservers at the registrar, keeping the ones it had
     * (stored before the change, so a retry never mistakes the addon's pair for them).
     */
    async delegateToAddon(domainId: number): Promise<void> {
      const { nameservers } = addon();
      const name = await domainName(domainId);
      try {
        // Inside the registrar's lag after a registration it does not find the domain yet: our
        // record holds what it was given.
        const current = await registrar.getNameservers(name).catch(async (err: unknown) => {
          if (!(err instanceof RegistrarError && err.kind === 'not_found')) throw err;
          return (
            (await db('domains').where({ id: domainId }).first('nameservers')) as Pick<Domain, 'nameservers'>
          ).nameservers;
        });
        if (!sameSet(nameservers, current)) {
          const zone = await zoneRow(domainId);
          if (zone && zone.previousNameservers === null)
            await db('dnsZones')
              .where({ domainId })
              .update({ previousNameservers: JSON.stringify(current) });
          await registrar.setNameservers(name, nameservers);
        }
      } catch (err) {
        registrarFailure(err);
      }
      await db('dnsZones').where({ domainId }).update({ delegated: true });
      await db('domains').where({ id: domainId }).update({ nameservers, updatedAt: db.fn.now() });
    },

    /** Gives the domain back the nameservers it had before the addon (when we know them). */
    async restoreNameservers(domainId: number): Promise<string[]> {
      const zone = await zoneRow(domainId);
      const previous = zone?.previousNameservers ?? [];
      const name = await domainName(domainId);
      if (previous.length > 0) {
        try {
          await registrar.setNameservers(name, previous);
        } catch (err) {
          registrarFailure(err);
        }
        await db('domains').where({ id: domainId }).update({ nameservers: previous, updatedAt: db.fn.now() });
      }
      await db('dnsZones').where({ domainId }).update({ delegated: false });
      return previous;
    },

    /** Signs the zone on the addon's server and answers its DS records (SHA-256 digests). */
    async signHostedZone(domainId: number): Promise<DsRecord[]> {
      const { client } = addon();
      const name = await domainName(domainId);
      try {
        await client.setDnssec(name, true);
        const ds = await client.delegationSigners(name, 2);
        if (ds.length === 0) throw new Error('the signed zone has no key-signing key yet');
        return ds;
      } catch (err) {
        return addonFailure(err);
      }
    },

    /**
     * Answers once every one of the addon's DNS servers serves the signed zone's DNSKEY for each
     * DS (the key and its signature over the key set), so a resolver that follows the DS from the
     * parent finds its key wherever it asks. Until then it fails and is retried; after
     * DNSSEC_DNSKEY_WAIT_SECONDS (from its first attempt) that is a refusal.
     */
    async awaitKeysServed(domainId: number, ds: DsRecord[]): Promise<void> {
      const { dnsServers } = addon();
      const name = await domainName(domainId);
      const why = await whyKeysNotServed(dnsServers, name, [...new Set(ds.map((d) => d.keyTag))]);
      if (why === null) return;
      const waited = Date.now() - Context.current().info.scheduledTimestampMs;
      if (waited >= deps.dnskeyWaitMs)
        throw ApplicationFailure.nonRetryable(
          `The DNS service did not serve the signed keys of ${name} within ${Math.round(deps.dnskeyWaitMs / 1000)} s: ${why}`,
          DomainFailures.DnsAddonRejected,
        );
      throw ApplicationFailure.retryable(`Not served yet: ${why}`, 'KeysNotServed');
    },

    /** Removes the zone's signing (after its DS is gone from the registrar). */
    async unsignHostedZone(domainId: number): Promise<void> {
      await unsign(domainId);
    },

    /**
     * The DS is gone from the registrar: the zone stays signed until resolvers that cached the
     * DS have let it go (DNSSEC_UNSIGN_DELAY_SECONDS). Answers how long the zone workflow waits.
     */
    async beginUnsign(domainId: number): Promise<number> {
      const delay = deps.dnssecUnsignDelayMs;
      await db('dnsZones')
        .where({ domainId })
        .update({ dnssec: 'unsigning', unsignAfter: new Date(Date.now() + delay), updatedAt: db.fn.now() });
      return delay;
    },

    /** The unsign timer ended: the zone is unsigned, unless DNSSEC was turned on again meanwhile. */
    async finishUnsign(domainId: number): Promise<boolean> {
      if ((await zoneRow(domainId))?.dnssec !== 'unsigning') return false;
      await unsign(domainId, { dnssec: 'unsigning' });
      return true;
    },

    /** Sends the zone's DS records to the registrar, then records the zone as signed. */
    async sendDsToRegistrar(domainId: number, ds: DsRecord[]): Promise<void> {
      const name = await domainName(domainId);
      try {
        const held = await registrar.getDnssec(name);
        for (const d of ds) {
          const present = held.some(
            (h) => h.keyTag === d.keyTag && h.digestType === d.digestType && h.digest === d.digest,
          );
          if (!present) await registrar.setDnssec(name, d);
        }
      } catch (err) {
        registrarFailure(err);
      }
      await db('dnsZones')
        .where({ domainId })
        .update({ dnssec: 'on', ds: JSON.stringify(ds), unsignAfter: null, updatedAt: db.fn.now() });
    },

    /** Removes every DS record of the domain at the registrar (first, before the zone is unsigned). */
    async removeDsAtRegistrar(domainId: number): Promise<void> {
      try {
        await registrar.clearDnssec(await domainName(domainId));
      } catch (err) {
        registrarFailure(err);
      }
      await db('dnsZones').where({ domainId }).update({ ds: null });
    },

    /**
     * Undoes a hosted provisioning that could not finish: a zone that was registrar-hosted is
     * registrar-hosted again, a new one is removed, a cancelled one stays cancelled.
     */
    async revertHostedProvision(domainId: number, before: ZoneMode | null): Promise<void> {
      await db.transaction(async (trx) => {
        if (!before) {
          await trx('dnsZones').where({ domainId }).del();
          return;
        }
        await trx('dnsZones')
          .where({ domainId })
          .update({
            mode: before.mode,
            status: before.status,
            delegated: false,
            previousNameservers: null,
            pushStatus: before.mode === 'registrar' ? 'pushed' : 'idle',
            pushError: null,
            updatedAt: trx.fn.now(),
          });
      });
    },

    /** The addon is cancelled: the zone is no longer served nor delegated; its lines are kept. */
    async finishHostedCancel(domainId: number): Promise<number> {
      const zone = await zoneRow(domainId);
      await db('dnsZones').where({ domainId }).update({
        status: 'cancelled',
        delegated: false,
        dnssec: 'off',
        ds: null,
        pushStatus: 'idle',
        updatedAt: db.fn.now(),
      });
      return zone?.version ?? 0;
    },
  };
}
