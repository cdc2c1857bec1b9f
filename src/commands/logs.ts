import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { listApiLogs, pruneApiLogs } from '../services/api-logs';
import { listAuditEvents } from '../services/audit';
import { collect, isoDate, jsonOption, positiveInt, printRows, withDb } from './context';

/** `90d`, `12h` → days (hours round up to a day). */
function days(value: string): number {
  const m = /^(\d+)\s*(d|days?)?$/i.exec(value.trim());
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError('--older-than takes whole days, such as 90d');
  return Number(m[1]);
}

/** API logs (with retention) and the audit trail. */
export function registerLogs(program: Command): void {
  jsonOption(
    program
      .command('api-logs:list')
      .description('API requests, newest first (bodies were redacted when written).')
      .option('--reseller <id>', 'one reseller’s', positiveInt('--reseller'))
      .option('--status <status>', 'a status (404) or class (4xx)')
      .option('--route <route>', 'a route pattern or path prefix')
      .option('--method <method>')
      .option('--since <date>', '', isoDate('--since'))
      .option('--until <date>', '', isoDate('--until'))
      .option('--request-id <id>')
      .option('--limit <n>', 'at most this many', positiveInt('--limit'), 50),
  ).action(
    async (opts: {
      reseller?: number;
      status?: string;
      route?: string;
      method?: string;
      since?: Date;
      until?: Date;
      requestId?: string;
      limit: number;
      json?: boolean;
    }) => {
      await withDb(async (db) => {
        const page = await listApiLogs(db, { ...opts, resellerId: opts.reseller });
        printRows(
          page.items.map((l) => ({
            id: l.id,
            at: l.createdAt,
            reseller: l.resellerId,
            method: l.method,
            path: l.path,
            status: l.status,
            ms: l.durationMs,
            error: l.errorCode,
            request_id: l.requestId,
          })),
          { json: opts.json },
        );
      });
    },
  );

  program
    .command('api-logs:prune')
    .description(
      'Delete API log rows older than a number of days (the daily api-log-retention schedule does the same).',
    )
    .requiredOption('--older-than <days>', 'such as 90d', days)
    .action(async (opts: { olderThan: number }) => {
      await withDb(async (db) => {
        console.log(
          `deleted ${await pruneApiLogs(db, opts.olderThan)} rows older than ${opts.olderThan} days`,
        );
      });
    });

  jsonOption(
    program
      .command('audit:list')
      .description('The audit trail, newest first: who changed what, before and after.')
      .option('--reseller <id>', 'about one reseller', positiveInt('--reseller'))
      .option('--type <type>', 'event types (repeatable, or comma-separated)', collect, [])
      .option('--since <date>', '', isoDate('--since'))
      .option('--limit <n>', 'at most this many', positiveInt('--limit'), 50),
  ).action(
    async (opts: { reseller?: number; type: string[]; since?: Date; limit: number; json?: boolean }) => {
      await withDb(async (db) => {
        const page = await listAuditEvents(db, {
          resellerId: opts.reseller,
          types: opts.type,
          since: opts.since,
          limit: opts.limit,
        });
        printRows(
          page.items.map((e) => ({
            id: e.id,
            at: e.createdAt,
            actor: e.actor,
            type: e.type,
            reseller: e.resellerId,
            subject: `${e.subjectType ?? ''}:${e.subjectId ?? ''}`,
            data: JSON.stringify(e.data).slice(0, 120),
          })),
          { json: opts.json },
        );
      });
    },
  );
}
