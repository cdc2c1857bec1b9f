import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/errors';
import { queueFor } from '../temporal/queues';
import { newPublicId } from '../utils/public-ids';
import type { dataExportWorkflow } from '../../workflows';
import { type DataExportInput, dataExportWorkflowId, ResellerIdAttr } from '../../workflows/contracts';
import { runOptions, who } from '../../workflows/summaries';
import type { CoreDeps } from './deps';
import type { ExportTotals } from './data-export';
import { AppError, conflict, notFound } from './errors';

/** A row of `data_exports` (without its archive). */
export interface DataExportRow {
  id: number;
  publicId: string;
  resellerId: number;
  status: 'processing' | 'ready' | 'expired' | 'failed';
  requestedBy: string;
  byteSize: number | null;
  files: Array<{ name: string; records: number; sha256: string }> | null;
  totals: ExportTotals | null;
  createdAt: Date;
  completedAt: Date | null;
  expiresAt: Date | null;
}

const COLUMNS = [
  'id',
  'publicId',
  'resellerId',
  'status',
  'requestedBy',
  'byteSize',
  'files',
  'totals',
  'createdAt',
  'completedAt',
  'expiresAt',
];

/**
 * Starts an export of everything the reseller owns (one at a time: 409 `export_in_progress`
 * while one is being built). The archive is built by a workflow and kept for
 * DATA_EXPORT_LINK_HOURS.
 */
export async function requestDataExport(
  deps: Pick<CoreDeps, 'db' | 'temporal' | 'config'>,
  reseller: { id: number; name?: string },
  requestedBy: string,
): Promise<DataExportRow> {
  const inProgress = () =>
    conflict('export_in_progress', 'An export of this account is being built: wait for it to be ready.');
  const [row] = (await deps
    .db('dataExports')
    .insert({ publicId: newPublicId('exp'), resellerId: reseller.id, requestedBy })
    .returning(COLUMNS)
    .catch((err: unknown) => {
      throw isUniqueViolation(err, 'data_exports_one_building') ? inProgress() : err;
    })) as DataExportRow[];
  const input: DataExportInput = {
    exportId: row!.id,
    publicId: row!.publicId,
    resellerId: reseller.id,
    linkHours: deps.config.DATA_EXPORT_LINK_HOURS,
  };
  const label = `Data export ${row!.publicId} · ${who({ id: reseller.id, name: reseller.name })}`;
  await deps.temporal.workflow.start<typeof dataExportWorkflow>('dataExportWorkflow', {
    taskQueue: queueFor(deps.config, 'dataExportWorkflow'),
    workflowId: dataExportWorkflowId(row!.publicId),
    args: [input],
    ...runOptions(
      {
        staticSummary: label,
        staticDetails: `- **Export**: ${row!.publicId}\n- **Link valid for**: ${input.linkHours} h\n- **Requested by**: ${requestedBy}`,
      },
      [{ key: ResellerIdAttr, value: String(reseller.id) }],
    ),
  });
  return row!;
}

export async function listDataExports(db: Knex, resellerId: number): Promise<DataExportRow[]> {
  return (await db('dataExports')
    .where({ resellerId })
    .orderBy('id', 'desc')
    .limit(50)
    .select(COLUMNS)) as DataExportRow[];
}

export async function findDataExport(db: Knex, resellerId: number, publicId: string): Promise<DataExportRow> {
  const row = (await db('dataExports').where({ resellerId, publicId }).first(COLUMNS)) as
    DataExportRow | undefined;
  if (!row) throw notFound(`No export ${publicId} in this account.`, 'export_not_found');
  return row;
}

/** The archive while its link is valid: 409 `export_not_ready` before, 410 `export_expired` after. */
export async function dataExportArchive(db: Knex, resellerId: number, publicId: string): Promise<Buffer> {
  const row = await findDataExport(db, resellerId, publicId);
  if (row.status === 'processing') throw conflict('export_not_ready', 'The archive is still being built.');
  if (row.status === 'failed')
    throw new AppError(410, 'export_failed', 'This export could not be built: request another.');
  const kept = (await db('dataExports')
    .where({ id: row.id, status: 'ready' })
    .where('expiresAt', '>', db.fn.now())
    .first('archive')) as { archive: Buffer | null } | undefined;
  if (!kept?.archive)
    throw new AppError(410, 'export_expired', 'The link of this export has expired: request another.');
  return kept.archive;
}
