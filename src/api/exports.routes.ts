import { Router } from '@koa/router';
import { z } from 'zod';
import {
  dataExportArchive,
  findDataExport,
  listDataExports,
  requestDataExport,
} from '../services/data-exports';
import { DataExportJson, presentDataExport } from '../views/exports';
import type { AppDeps, AppState } from './http/context';
import { requireAuth } from './http/context';
import { answers } from './http/answers';
import { respond } from './http/envelope';
import { input, validate } from './http/validate';
import { requireAbility } from './middleware/auth';

const exportRequest = z.object({ params: z.object({ export: z.string().min(1).max(64) }) });

/**
 * A reseller's data export: everything it owns (domains, contacts, orders, invoices, ledger,
 * webhooks, API logs) as one zip of JSON and CSV files, built by a workflow and downloadable for
 * DATA_EXPORT_LINK_HOURS. Served on both reseller surfaces, behind `account.manage`.
 */
export function createExportsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const manage = requireAbility('account.manage');
  const me = (ctx: { state: AppState }) => requireAuth(ctx).reseller;

  router.post(
    '/exports',
    answers({ 202: z.object({ export: DataExportJson }) }, ['export_in_progress']),
    manage,
    async (ctx) => {
      const auth = requireAuth(ctx);
      const row = await requestDataExport(deps, me(ctx), `credential:${auth.credential.id}`);
      ctx.set('Location', `${ctx.path}/${row.publicId}`);
      respond(ctx, { export: presentDataExport(row, ctx.path) }, 'The export is being built.', 202);
    },
  );

  router.get(
    '/exports',
    answers({ 200: z.object({ exports: z.array(DataExportJson) }) }),
    manage,
    async (ctx) => {
      const rows = await listDataExports(deps.db, me(ctx).id);
      respond(ctx, { exports: rows.map((r) => presentDataExport(r, ctx.path)) });
    },
  );

  router.get(
    '/exports/:export',
    answers({ 200: z.object({ export: DataExportJson }) }, ['export_not_found']),
    manage,
    validate(exportRequest),
    async (ctx) => {
      const row = await findDataExport(deps.db, me(ctx).id, input(ctx, exportRequest).params.export);
      respond(ctx, { export: presentDataExport(row, ctx.path.replace(/\/[^/]+$/, '')) });
    },
  );

  router.get(
    '/exports/:export/archive',
    answers({ 200: 'zip' }, ['export_not_found', 'export_not_ready', 'export_expired', 'export_failed']),
    manage,
    validate(exportRequest),
    async (ctx) => {
      const { params } = input(ctx, exportRequest);
      const archive = await dataExportArchive(deps.db, me(ctx).id, params.export);
      ctx.type = 'application/zip';
      ctx.set('Content-Disposition', `attachment; filename="${params.export}.zip"`);
      ctx.body = archive;
    },
  );

  return router;
}
