import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import {
  type DataExportRow,
  dataExportArchive,
  listDataExports,
  requestDataExport,
} from '../../services/data-exports';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { Action, Table, when } from '../components';
import { attempt, type PortalContext, type PortalState, redirectWithFlash, signedInReseller } from '../http';
import { resellerPage } from './page';

const sizeText = (n: number | null) =>
  n === null ? '' : n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

function ExportList(props: { rows: DataExportRow[]; csrf: string | undefined }): VNode {
  const live = (r: DataExportRow) =>
    r.status === 'ready' && r.expiresAt !== null && r.expiresAt.getTime() > Date.now();
  return (
    <>
      <p>
        One zip archive of everything this account holds: domains, contacts, orders, invoices, the wallet
        ledger (its totals equal the statement&apos;s), webhook endpoints (never their secrets), events and
        deliveries, and the API log, each as JSON and as CSV. It can be downloaded for a limited time, then it
        is deleted.
      </p>
      <Action action="/portal/exports" label="Prepare an export" csrf={props.csrf} />
      <Table
        caption="Exports"
        head={['Requested', 'Status', 'Size', 'Closing balance', 'Download']}
        rows={props.rows.map((r) => [
          when(r.createdAt),
          <span data-export-status>
            {r.status === 'processing'
              ? 'being built (this page refreshes itself)'
              : live(r)
                ? `ready until ${when(r.expiresAt)}`
                : r.status === 'failed'
                  ? 'failed: prepare another'
                  : 'expired'}
          </span>,
          sizeText(r.byteSize),
          r.totals ? `${r.totals.closing_balance} ${r.totals.currency}` : '',
          live(r) ? (
            <a href={`/portal/exports/${encodeURIComponent(r.publicId)}/archive`}>{r.publicId}.zip</a>
          ) : (
            ''
          ),
        ])}
        empty="No exports yet."
      />
    </>
  );
}

/** The Data export page: prepare an archive of the account, follow it, download it while it is kept. */
export function addExports(router: Router<PortalState>, deps: AppDeps): void {
  const me = (ctx: PortalContext) => signedInReseller(ctx);

  router.get('/portal/exports', async (ctx) => {
    const rows = await listDataExports(deps.db, me(ctx).id);
    // A build in progress: the page asks the browser to load it again (no script).
    if (rows.some((r) => r.status === 'processing')) ctx.set('Refresh', '3');
    resellerPage(
      ctx,
      'Data export',
      '/portal/exports',
      <ExportList rows={rows} csrf={ctx.state.page?.csrfToken} />,
    );
  });

  router.post('/portal/exports', async (ctx) => {
    const res = await attempt(() => requestDataExport(deps, me(ctx), `portal:reseller:${me(ctx).id}`));
    await redirectWithFlash(
      deps,
      ctx,
      '/portal/exports',
      'error' in res ? res.error.message : 'The export is being prepared.',
    );
  });

  router.get('/portal/exports/:export/archive', async (ctx) => {
    const id = ctx.params['export'] ?? '';
    const res = await attempt(() => dataExportArchive(deps.db, me(ctx).id, id));
    if ('error' in res) return redirectWithFlash(deps, ctx, '/portal/exports', res.error.message);
    ctx.type = 'application/zip';
    ctx.set('Content-Disposition', `attachment; filename="${id}.zip"`);
    ctx.body = res.ok;
  });
}
