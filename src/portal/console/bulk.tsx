import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import { type BulkJobRow, listBulkJobs } from '../../services/bulk-jobs';
import { bulkJobState, isBulkJobActive } from '../../services/bulk-progress';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { workflowUrl } from '../../temporal/ui-links';
import { presentBulkJob } from '../../views/bulk-jobs';
import { bulkJobWorkflowId } from '../../../workflows/contracts';
import { Table, when } from '../components';
import type { PortalState } from '../http';
import { consolePage, resellerParam } from './page';

type Shown = { row: BulkJobRow & { resellerName: string }; view: ReturnType<typeof presentBulkJob> };

function BulkJobs(props: { jobs: Shown[]; temporalUi: Parameters<typeof workflowUrl>[0] }): VNode {
  return (
    <>
      <p>
        Every reseller&apos;s bulk jobs, newest first. A running job&apos;s run in the Temporal UI names the
        job, its action and its reseller, and says in its current details how far it got.
      </p>
      <Table
        caption="Bulk jobs"
        head={['Job', 'Reseller', 'Action', 'Status', 'Progress', 'Failed', 'Charged', 'Submitted', 'Run']}
        rows={props.jobs.map(({ row, view: v }) => [
          <code>{row.publicId}</code>,
          <a href={`/console/resellers/${row.resellerId}`}>{row.resellerName}</a>,
          v.action,
          <span data-job-status>{v.status}</span>,
          <label>
            {v.progress.finished} of {v.progress.of}
            <progress value={v.progress.finished} max={v.progress.of} />
          </label>,
          String(v.items.failed),
          `${v.charged.amount} ${v.charged.currency}`,
          when(row.createdAt),
          row.status === 'preflight' || row.status === 'discarded' ? (
            ''
          ) : (
            <a href={workflowUrl(props.temporalUi, bulkJobWorkflowId(row.publicId))}>Temporal UI</a>
          ),
        ])}
        empty="No bulk jobs yet."
      />
    </>
  );
}

/** Operators' view of the bulk jobs: every reseller's (or one's: `?reseller=`), with their progress. */
export function addConsoleBulk(router: Router<PortalState>, deps: AppDeps): void {
  router.get('/console/bulk', async (ctx) => {
    const reseller = resellerParam(ctx);
    const rows = await listBulkJobs(deps.db, { ...(reseller ? { resellerId: reseller } : {}), limit: 100 });
    const jobs = await Promise.all(
      rows.map(async (row) => ({
        row,
        view: presentBulkJob(row, await bulkJobState(deps.db, row, 0), '/api/v1/bulk-jobs'),
      })),
    );
    // While a job runs the page reloads itself (no script).
    if (rows.some((r) => isBulkJobActive(r.status))) ctx.set('Refresh', '5');
    consolePage(ctx, 'Bulk jobs', '/console/bulk', <BulkJobs jobs={jobs} temporalUi={deps.config} />);
  });
}
