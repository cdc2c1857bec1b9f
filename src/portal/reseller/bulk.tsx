import type { Router } from '@koa/router';
import { controlBulkJob } from '../../services/bulk-control';
import { bulkOptionsSchema, itemsFromCsv } from '../../services/bulk-items';
import {
  type BulkJobRow,
  confirmBulkJob,
  findBulkJob,
  listBulkJobs,
  submitBulkJob,
} from '../../services/bulk-jobs';
import { bulkJobState, bulkResultsCsv, isBulkJobActive } from '../../services/bulk-progress';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { type AppError, validationFailed } from '../../services/errors';
import { presentBulkJob } from '../../views/bulk-jobs';
import { BULK_ACTIONS, type BulkAction } from '../../../workflows/contracts';
import {
  attempt,
  field,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { BulkJobPage, BulkList } from './bulk.view';
import { resellerPage } from './page';

const BASE = '/portal/bulk';

/** The job-level value field, as the action takes it. */
const VALUE_FIELD: Partial<Record<BulkAction, 'enabled' | 'locked' | 'privacy'>> = {
  auto_renew: 'enabled',
  lock: 'locked',
  privacy: 'privacy',
};

/** The Bulk jobs pages: upload a CSV (checked and priced), confirm, follow, pause, resume, cancel. */
export function addBulk(router: Router<PortalState>, deps: AppDeps): void {
  const me = (ctx: PortalContext) => signedInReseller(ctx);
  const view = async (row: BulkJobRow) => presentBulkJob(row, await bulkJobState(deps.db, row, 200), BASE);

  const listPage = async (ctx: PortalContext, error?: AppError) => {
    const rows = await listBulkJobs(deps.db, { resellerId: me(ctx).id, limit: 30 });
    const shown = await Promise.all(rows.map(async (row) => ({ row, view: await view(row) })));
    resellerPage(
      ctx,
      'Bulk jobs',
      BASE,
      <BulkList rows={shown} error={error} csrf={ctx.state.page?.csrfToken} />,
      error ? 422 : 200,
    );
  };

  router.get(BASE, (ctx) => listPage(ctx));

  router.post(BASE, async (ctx) => {
    const action = field(ctx, 'action') as BulkAction;
    const res = await attempt(async () => {
      if (!BULK_ACTIONS.includes(action)) throw validationFailed({ action: ['Choose an action.'] });
      const value = field(ctx, 'value').trim();
      const years = field(ctx, 'years').trim();
      const concurrency = field(ctx, 'concurrency').trim();
      const valueField = VALUE_FIELD[action];
      const options = bulkOptionsSchema.safeParse({
        ...(years ? { years } : {}),
        ...(valueField && value ? { [valueField]: value } : {}),
      });
      if (!options.success)
        throw validationFailed(
          Object.fromEntries(options.error.issues.map((i) => [String(i.path[0]), [i.message]])),
        );
      const n = concurrency ? Number(concurrency) : undefined;
      if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 100))
        throw validationFailed({ concurrency: ['From 1 to 100.'] });
      return submitBulkJob(deps, me(ctx), {
        action,
        options: options.data,
        items: itemsFromCsv(field(ctx, 'file')),
        concurrency: n,
        createdBy: `portal:reseller:${me(ctx).id}`,
      });
    });
    if ('error' in res) return listPage(ctx, res.error);
    await redirectWithFlash(
      deps,
      ctx,
      `${BASE}/${res.ok.publicId}`,
      'Checked and priced: confirm to run it.',
    );
  });

  router.get(`${BASE}/:job`, async (ctx) => {
    const row = await findBulkJob(deps.db, me(ctx).id, ctx.params['job'] ?? '');
    // While it runs the page asks the browser to load it again (no script: the CSP stays as it is).
    if (isBulkJobActive(row.status)) ctx.set('Refresh', '3');
    resellerPage(
      ctx,
      `Bulk job ${row.publicId}`,
      BASE,
      <BulkJobPage row={row} view={await view(row)} csrf={ctx.state.page?.csrfToken} />,
    );
  });

  router.get(`${BASE}/:job/results.csv`, async (ctx) => {
    const row = await findBulkJob(deps.db, me(ctx).id, ctx.params['job'] ?? '');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="${row.publicId}.csv"`);
    ctx.body = await bulkResultsCsv(deps.db, row);
  });

  for (const what of ['confirm', 'pause', 'resume', 'cancel'] as const)
    router.post(`${BASE}/:job/${what}`, async (ctx) => {
      const id = ctx.params['job'] ?? '';
      const res = await attempt(() =>
        what === 'confirm'
          ? confirmBulkJob(deps, me(ctx), id, { skipInvalid: field(ctx, 'skip_invalid') === '1' })
          : controlBulkJob(deps, me(ctx).id, id, what),
      );
      const said = { confirm: 'The job runs.', pause: 'Paused.', resume: 'Resumed.', cancel: 'Cancelling.' }[
        what
      ];
      await redirectWithFlash(
        deps,
        ctx,
        `${BASE}/${encodeURIComponent(id)}`,
        'error' in res ? res.error.message : said,
      );
    });
}
