import type { Knex } from 'knex';
import { ApiLog } from '../db/models';
import { notFound, validationFailed } from './errors';
import { isBigId } from '../utils/ids';

export interface ApiLogFilter {
  /** A reseller's own logs (self-service), or any reseller's (admins; undefined: all). */
  resellerId?: number | undefined;
  /** An exact status (404) or a class (4xx). */
  status?: string | undefined;
  /** The route pattern (`/api/v1/domains/:domain`) or a path prefix. */
  route?: string | undefined;
  method?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  requestId?: string | undefined;
  /** Keyset: rows older than this id. */
  beforeId?: string | undefined;
  limit: number;
}

/** Columns a listing shows; bodies and headers only in the detail view. */
const SUMMARY = [
  'id',
  'requestId',
  'resellerId',
  'credentialId',
  'method',
  'path',
  'route',
  'status',
  'ip',
  'durationMs',
  'errorCode',
  'createdAt',
] as const;

export type ApiLogSummary = Pick<ApiLog, (typeof SUMMARY)[number]>;

/** API log rows, newest first, keyset-paginated (the bodies were redacted when written). */
export async function listApiLogs(
  db: Knex,
  filter: ApiLogFilter,
): Promise<{ items: ApiLogSummary[]; nextBeforeId: string | null }> {
  let statusRange: [number, number] | null = null;
  if (filter.status !== undefined) {
    const m = /^([1-5])(?:xx|(\d\d))$/i.exec(filter.status.trim());
    if (!m) throw validationFailed({ status: ['A status such as 404, or a class such as 4xx.'] });
    const base = Number(m[1]) * 100;
    statusRange = m[2] ? [base + Number(m[2]), base + Number(m[2])] : [base, base + 99];
  }
  if (filter.since && filter.until && filter.since >= filter.until)
    throw validationFailed({ until: ['until must come after since.'] });
  const rows = await ApiLog.query(db)
    .select(...SUMMARY)
    .modify((q) => {
      if (filter.resellerId !== undefined) void q.where('resellerId', filter.resellerId);
      if (statusRange) void q.whereBetween('status', statusRange);
      if (filter.route) {
        const route = filter.route;
        void q.where(
          (w) =>
            void w
              .where('route', route)
              .orWhere('path', 'like', `${route.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
        );
      }
      if (filter.method) void q.where('method', filter.method.toUpperCase());
      if (filter.since) void q.where('createdAt', '>=', filter.since);
      if (filter.until) void q.where('createdAt', '<', filter.until);
      if (filter.requestId) void q.where('requestId', filter.requestId);
      if (filter.beforeId !== undefined) void q.where('id', '<', filter.beforeId);
    })
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit) as ApiLogSummary[];
  return { items, nextBeforeId: rows.length > filter.limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** One API log row with its (redacted) headers and bodies; another reseller's is a 404. */
export async function showApiLog(db: Knex, id: string, resellerId?: number): Promise<ApiLog> {
  if (!isBigId(id)) throw notFound('API log entry not found.', 'api_log_not_found');
  const row = await ApiLog.query(db)
    .findById(id)
    .modify((q) => {
      if (resellerId !== undefined) void q.where('resellerId', resellerId);
    });
  if (!row) throw notFound('API log entry not found.', 'api_log_not_found');
  return row;
}

/** Deletes rows older than `days` (the CLI's api-logs:prune; the schedule runs the same through a workflow). */
export async function pruneApiLogs(
  db: Knex,
  days: number,
  /** Called after every batch with the count so far (the retention activity heartbeats). */
  onBatch: (deleted: number) => void = () => undefined,
): Promise<number> {
  if (!Number.isInteger(days) || days < 1) throw validationFailed({ older_than: ['At least one day.'] });
  let deleted = 0;
  for (;;) {
    const n = await db('apiLogs')
      .whereIn(
        'id',
        db('apiLogs')
          .where('createdAt', '<', db.raw('now() - make_interval(days => ?)', [days]))
          .limit(5000)
          .select('id'),
      )
      .del();
    deleted += n;
    onBatch(deleted);
    if (n < 5000) return deleted;
  }
}
