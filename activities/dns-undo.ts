import type { Knex } from 'knex';
import type { DnsRecordRow, DnsZoneBefore, DnsZoneRow } from '../src/db/models';

/** Records that the zone's latest version could not be published (the reason kept, shortened). */
export async function markPushFailed(db: Knex, domainId: number, message: string): Promise<void> {
  await db('dnsZones')
    .where({ domainId })
    .update({ pushStatus: 'failed', pushError: message.slice(0, 500) });
}

/** The zone as it was before an edit that produces `version`: what `undoDnsChange` puts back. */
export function zoneBefore(
  zone: DnsZoneRow,
  records: readonly DnsRecordRow[],
  version: number,
): DnsZoneBefore {
  return {
    version,
    nextLine: zone.nextLine,
    pushedVersion: zone.pushedVersion,
    pushStatus: zone.pushStatus,
    pushError: zone.pushError,
    inSync: zone.version === zone.pushedVersion && zone.pushStatus === 'pushed',
    records: records.map(({ domainId: _zone, createdAt, ...r }) => ({
      ...r,
      createdAt: new Date(createdAt).toISOString(),
    })),
  };
}

/** Undoing a hosted zone's edit that its DNS server refused to publish. */
export function createDnsUndoActivities(deps: { db: Knex }) {
  const { db } = deps;
  return {
    /**
     * Undoes the zone's latest edit, which the DNS server refused to publish: its records are put
     * back as they were (the same ids and lines, the refused record's line free again) under a new
     * version, and the publish state is what it was (in sync, where the version before the edit
     * was the one served: the server applies a change whole or not at all). An edit that cannot
     * be undone (none kept, or the zone has moved on) is recorded as a failed push, as before.
     */
    async undoDnsChange(domainId: number, version: number, message: string): Promise<boolean> {
      const undone = await db.transaction(async (trx) => {
        const zone = (await trx('dnsZones').where({ domainId }).forUpdate().first()) as
          DnsZoneRow | undefined;
        const before = zone?.beforeChange;
        if (!zone || !before || before.version !== version || zone.version !== version) return false;
        await trx('dnsRecords').where({ domainId }).del();
        if (before.records.length > 0)
          await trx('dnsRecords').insert(
            before.records.map((r) => ({ ...r, domainId, createdAt: new Date(r.createdAt) })),
          );
        const next = zone.version + 1;
        await trx('dnsZones')
          .where({ domainId })
          .update({
            version: next,
            nextLine: before.nextLine,
            pushedVersion: before.inSync ? next : before.pushedVersion,
            pushStatus: before.pushStatus,
            pushError: before.pushError,
            beforeChange: null,
            updatedAt: trx.fn.now(),
          });
        return true;
      });
      if (!undone) await markPushFailed(db, domainId, message);
      return undone;
    },
  };
}
