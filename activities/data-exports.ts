import { heartbeat } from '@temporalio/activity';
import type { Knex } from 'knex';
import { buildExportArchive } from '../src/services/data-export';

/** The data export's steps: build and keep the archive, delete it when its link expires. */
export function createDataExportActivities(deps: { db: Knex }) {
  const { db } = deps;
  return {
    /** Builds the archive and keeps it for `linkHours` (idempotent: a built export answers its expiry). */
    async buildDataExport(exportId: number, linkHours: number): Promise<{ expiresAt: string }> {
      const row = (await db('dataExports').where({ id: exportId }).first()) as {
        resellerId: number;
        status: string;
        expiresAt: Date | null;
      };
      if (row.status !== 'processing' && row.expiresAt) return { expiresAt: row.expiresAt.toISOString() };
      heartbeat();
      const archive = await buildExportArchive(db, row.resellerId);
      heartbeat();
      const [done] = (await db('dataExports')
        .where({ id: exportId })
        .update({
          status: 'ready',
          archive: Buffer.from(archive.bytes),
          byteSize: archive.bytes.byteLength,
          files: JSON.stringify(archive.files),
          totals: JSON.stringify(archive.totals),
          completedAt: db.fn.now(),
          expiresAt: db.raw(`now() + make_interval(secs => ?)`, [Math.round(linkHours * 3600)]),
        })
        .returning('expiresAt')) as Array<{ expiresAt: Date }>;
      return { expiresAt: done!.expiresAt.toISOString() };
    },

    /** The link's time is up: the archive is deleted, the export kept as expired. */
    async expireDataExport(exportId: number): Promise<void> {
      await db('dataExports').where({ id: exportId }).update({ status: 'expired', archive: null });
    },

    async failDataExport(exportId: number): Promise<void> {
      await db('dataExports').where({ id: exportId, status: 'processing' }).update({ status: 'failed' });
    },
  };
}
