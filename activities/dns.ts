import type { Knex } from 'knex';
import type { DnsRecordRow, DnsZoneRow, Domain } from '../src/db/models';
import type { DnsRecord, Registrar } from '../src/registrar/types';
import type { DnsChange, DnsChangeResult, DnsRecordData } from '../workflows/contracts';
import { markPushFailed, zoneBefore } from './dns-undo';
import { domainRegistrarFailure as registrarFailure } from './domains';

export interface DnsActivityDeps {
  db: Knex;
  registrar: Registrar;
}

/** CNAME may not share its name with any other record. */
function cnameClash(records: ReadonlyArray<Pick<DnsRecordData, 'type' | 'name'>>): string | null {
  const byName = new Map<string, string[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r.type]);
  for (const [name, types] of byName) if (types.includes('CNAME') && types.length > 1) return name;
  return null;
}

/**
 * Makes a zone active (its row created when missing) with `records` as its set, or its records
 * kept (null); the version is bumped and `fields(version)` written with it. Returns the version.
 */
async function activateZone(
  trx: Knex.Transaction,
  domainId: number,
  zone: DnsZoneRow | undefined,
  records: readonly DnsRecordData[] | null,
  fields: (version: number) => Record<string, unknown>,
): Promise<number> {
  if (!zone) await trx('dnsZones').insert({ domainId, status: 'active' });
  const current = (await trx('dnsZones').where({ domainId }).forUpdate().first()) as DnsZoneRow;
  let nextLine = current.nextLine;
  if (records) {
    await trx('dnsRecords').where({ domainId }).del();
    for (const r of records) await trx('dnsRecords').insert({ domainId, line: nextLine++, ...r });
  }
  const version = current.version + 1;
  await trx('dnsZones')
    .where({ domainId })
    .update({ status: 'active', version, nextLine, updatedAt: trx.fn.now(), ...fields(version) });
  return version;
}

/** A domain's DNS zone: the registrar's records read, edits applied under the zone's row lock, pushes. */
export function createDnsActivities(deps: DnsActivityDeps) {
  const { db, registrar } = deps;

  return {
    /** The records the registrar publishes for a domain now (the types it supports), as zone records. */
    async readRegistrarDns(domainId: number): Promise<DnsRecordData[]> {
      const domain = (await db('domains').where({ id: domainId }).first('name')) as Pick<Domain, 'name'>;
      try {
        const records = await registrar.getDns(domain.name);
        return records
          .filter((r) => registrar.dnsRecordTypes.includes(r.type))
          .map((r) => ({
            type: r.type,
            name: r.name,
            value: r.value,
            ttl: r.ttl,
            priority: r.priority ?? null,
            weight: null,
            port: null,
            flags: null,
            tag: null,
          }));
      } catch (err) {
        return registrarFailure(err);
      }
    },

    /**
     * Applies one DNS edit under the zone's row lock; refusals come back as results, not failures.
     * `undoable`: an edit of the records keeps them and the publish state as they were
     * (`before_change`), for `undoDnsChange` when publishing it is refused.
     */
    async applyDnsChange(
      domainId: number,
      change: DnsChange,
      opts?: { undoable?: boolean },
    ): Promise<DnsChangeResult> {
      const written =
        change.kind === 'create' || change.kind === 'update'
          ? [change.record]
          : change.kind === 'replace'
            ? change.records
            : [];
      return db.transaction(async (trx) => {
        let zone = (await trx('dnsZones').where({ domainId }).forUpdate().first()) as DnsZoneRow | undefined;
        if (change.kind === 'dnssec') {
          return { ok: false, code: 'dns_not_hosted', message: 'DNSSEC needs the hosted DNS addon.' };
        }
        // A registrar-hosted zone publishes only the types the registrar can; a hosted one all eight.
        const hosted =
          (zone?.status === 'active' && zone.mode === 'hosted') ||
          (change.kind === 'provision' && change.hosted);
        const unsupported = hosted
          ? []
          : [...new Set(written.map((r) => r.type).filter((t) => !registrar.dnsRecordTypes.includes(t)))];
        if (unsupported.length > 0) {
          return {
            ok: false,
            code: 'unsupported_capability',
            message: `The provider cannot publish ${unsupported.join(', ')} records; it supports ${registrar.dnsRecordTypes.join(', ')}.`,
          };
        }
        if (change.kind === 'provision' && change.hosted) {
          // The hosted addon starts from the records we hold for an active registrar-hosted zone,
          // or else from what the registrar publishes (imported by the workflow).
          if (zone?.status === 'active' && zone.mode === 'hosted') return { ok: true, version: zone.version };
          const records = zone?.status === 'active' ? null : (change.records ?? []);
          const version = await activateZone(trx, domainId, zone, records, () => ({
            mode: 'hosted',
            pushStatus: 'pending',
            pushError: null,
            delegated: false,
            previousNameservers: null,
            dnssec: 'off',
            ds: null,
          }));
          return { ok: true, version };
        }
        if (change.kind === 'provision' && change.records) {
          // Provisioning starts from what the registrar publishes: nothing is pushed (the zone is
          // live as it is) until the reseller changes something.
          if (zone?.status === 'active') return { ok: true, version: zone.version };
          const version = await activateZone(trx, domainId, zone, change.records, (v) => ({
            mode: 'registrar',
            pushedVersion: v,
            pushStatus: 'pushed',
            pushError: null,
            pushedAt: trx.fn.now(),
          }));
          return { ok: true, version };
        }
        if (
          change.kind === 'provision' ||
          (change.kind === 'replace' && (!zone || zone.status !== 'active'))
        ) {
          if (!zone) {
            await trx('dnsZones').insert({ domainId, status: 'active' });
          } else if (zone.status !== 'active') {
            await trx('dnsZones')
              .where({ domainId })
              .update({ status: 'active', mode: 'registrar', updatedAt: trx.fn.now() });
          }
          zone = (await trx('dnsZones').where({ domainId }).forUpdate().first()) as DnsZoneRow;
          if (change.kind === 'provision') {
            const version = zone.version + 1;
            await trx('dnsZones').where({ domainId }).update({ version, pushStatus: 'pending' });
            return { ok: true, version };
          }
        }
        if (!zone || zone.status !== 'active') {
          return {
            ok: false,
            code: 'dns_not_active',
            message: 'DNS management is not active for this domain.',
          };
        }
        const records = (await trx('dnsRecords').where({ domainId }).orderBy('line')) as DnsRecordRow[];
        const find = (ref: string) =>
          records.find((r) => String(r.line) === ref) ?? records.find((r) => String(r.id) === ref);
        let nextLine = zone.nextLine;
        let line: number | undefined;
        let proposed: DnsRecordData[];
        switch (change.kind) {
          case 'cancel':
            await trx('dnsZones')
              .where({ domainId })
              .update({ status: 'cancelled', updatedAt: trx.fn.now() });
            return { ok: true, version: zone.version };
          case 'push': {
            const version = zone.version + 1;
            await trx('dnsZones').where({ domainId }).update({ version, pushStatus: 'pending' });
            return { ok: true, version };
          }
          case 'create':
            proposed = [...records, change.record];
            break;
          case 'update': {
            const target = find(change.ref);
            if (!target) return { ok: false, code: 'record_not_found', message: 'DNS record not found.' };
            proposed = records.map((r) => (r.id === target.id ? change.record : r));
            break;
          }
          case 'delete': {
            const target = find(change.ref);
            if (!target) return { ok: false, code: 'record_not_found', message: 'DNS record not found.' };
            proposed = records.filter((r) => r.id !== target.id);
            break;
          }
          case 'replace':
            proposed = change.records;
            break;
        }
        const clash = cnameClash(proposed);
        if (clash) {
          return {
            ok: false,
            code: 'cname_conflict',
            message: `A CNAME record at ${clash} cannot coexist with other records.`,
          };
        }
        if (change.kind === 'create') {
          line = nextLine++;
          await trx('dnsRecords').insert({ domainId, line, ...change.record });
        } else if (change.kind === 'update') {
          const target = find(change.ref)!;
          line = target.line;
          await trx('dnsRecords').where({ id: target.id }).update(change.record);
        } else if (change.kind === 'delete') {
          await trx('dnsRecords')
            .where({ id: find(change.ref)!.id })
            .del();
        } else {
          await trx('dnsRecords').where({ domainId }).del();
          for (const r of change.records)
            await trx('dnsRecords').insert({ domainId, line: nextLine++, ...r });
        }
        const version = zone.version + 1;
        const beforeChange = opts?.undoable ? zoneBefore(zone, records, version) : null;
        await trx('dnsZones')
          .where({ domainId })
          .update({
            version,
            nextLine,
            updatedAt: trx.fn.now(),
            beforeChange: beforeChange ? JSON.stringify(beforeChange) : null,
          });
        return line === undefined ? { ok: true, version } : { ok: true, version, line };
      });
    },

    /** Pushes the zone's current record set (read now, so the newest version wins) to the registrar. */
    async pushDnsZone(domainId: number): Promise<void> {
      const zone = (await db('dnsZones').where({ domainId }).first()) as
        { status: string; version: number } | undefined;
      if (!zone || zone.status !== 'active') return;
      const domain = (await db('domains').where({ id: domainId }).first('name')) as Pick<Domain, 'name'>;
      const rows = (await db('dnsRecords').where({ domainId }).orderBy('line')) as DnsRecordRow[];
      // A record the registrar cannot publish (stored before such types were refused) never
      // blocks the others from being published.
      const publishable = rows.filter((r) => registrar.dnsRecordTypes.includes(r.type));
      const records: DnsRecord[] = publishable.map((r) => ({
        type: r.type,
        name: r.name,
        value: r.value,
        ttl: r.ttl,
        ...(r.priority !== null ? { priority: r.priority } : {}),
      }));
      await db('dnsZones').where({ domainId }).update({ pushStatus: 'pushing' });
      try {
        await registrar.setDns(domain.name, records);
      } catch (err) {
        await db('dnsZones')
          .where({ domainId })
          .update({ pushStatus: 'retrying', pushError: err instanceof Error ? err.message : 'error' });
        return registrarFailure(err);
      }
      await db('dnsZones').where({ domainId }).update({
        pushedVersion: zone.version,
        pushStatus: 'pushed',
        pushError: null,
        pushedAt: db.fn.now(),
      });
    },

    recordDnsPushFailure: (domainId: number, message: string) => markPushFailed(db, domainId, message),
  };
}
