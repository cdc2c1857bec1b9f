import { z } from 'zod';
import type { DataExportRow } from '../services/data-exports';
import { iso, isoOrNull, isoText } from './json';

/* A data export as the API answers it. */

export const DataExportJson = z
  .object({
    id: z.string(),
    status: z.enum(['processing', 'ready', 'expired', 'failed']),
    created_at: iso,
    completed_at: isoOrNull,
    expires_at: isoOrNull.describe('Until when the archive can be downloaded.'),
    byte_size: z.int().nullable(),
    files: z.array(z.object({ name: z.string(), records: z.int(), sha256: z.string() })).nullable(),
    totals: z
      .object({
        currency: z.string(),
        closing_balance: z.string(),
        closing_balance_minor: z.string(),
        credits: z.string(),
        debits: z.string(),
        pending_holds: z.string(),
        posted_entries: z.int(),
      })
      .nullable()
      .describe("The ledger's totals in the archive: they equal the wallet statement's for all time."),
    download_url: z
      .string()
      .nullable()
      .describe('Where the archive is, while it is ready (same credentials).'),
  })
  .meta({ id: 'DataExport' });

/** `base`: the surface's `/exports` path the export's URLs hang from. */
export function presentDataExport(row: DataExportRow, base: string): z.infer<typeof DataExportJson> {
  const live = row.status === 'ready' && row.expiresAt !== null && row.expiresAt.getTime() > Date.now();
  return {
    id: row.publicId,
    status: row.status === 'ready' && !live ? 'expired' : row.status,
    created_at: new Date(row.createdAt).toISOString(),
    completed_at: isoText(row.completedAt),
    expires_at: isoText(row.expiresAt),
    byte_size: row.byteSize,
    files: row.files,
    totals: row.totals,
    download_url: live ? `${base}/${row.publicId}/archive` : null,
  };
}
