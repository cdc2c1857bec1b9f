import { Router } from '@koa/router';
import { z } from 'zod';
import { itemsFromCsv, itemsFromJson } from '../services/bulk-items';
import { controlBulkJob } from '../services/bulk-control';
import { confirmBulkJob, findBulkJob, listBulkJobs, submitBulkJob } from '../services/bulk-jobs';
import { bulkJobState, bulkResultsCsv } from '../services/bulk-progress';
import { BulkJobJson, presentBulkJob } from '../views/bulk-jobs';
import { bulkJobRequest, confirmBulkJobRequest, submitBulkJobRequest } from './bulk-jobs.schema';
import type { AppDeps, AppState } from './http/context';
import { requireAuth } from './http/context';
import { answers } from './http/answers';
import { respond } from './http/envelope';
import { input, validate } from './http/validate';
import { requireAbility } from './middleware/auth';
import { idempotency } from './middleware/idempotency';

const JOB = z.object({ job: BulkJobJson });
const CONTROL_ERRORS = ['bulk_job_not_found', 'bulk_job_not_running'];

/**
 * Bulk jobs: one action over up to 10,000 domains (JSON items or CSV), checked and priced on
 * submission, run once confirmed, paused, resumed or cancelled; its per-item results as CSV.
 * Served on both reseller surfaces.
 */
export function createBulkJobsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const write = requireAbility('orders.write');
  const read = requireAbility('orders.read');
  const me = (ctx: { state: AppState }) => requireAuth(ctx).reseller;
  const base = (path: string) => path.replace(/\/bulk-jobs(\/.*)?$/, '/bulk-jobs');
  const present = async (job: Awaited<ReturnType<typeof findBulkJob>>, path: string) =>
    presentBulkJob(job, await bulkJobState(deps.db, job, 500), base(path));

  router.post(
    '/bulk-jobs',
    answers({ 201: JOB }, ['validation_failed']),
    write,
    validate(submitBulkJobRequest),
    idempotency(deps.db, { required: false }),
    async (ctx) => {
      const { body } = input(ctx, submitBulkJobRequest);
      const auth = requireAuth(ctx);
      const job = await submitBulkJob(deps, auth.reseller, {
        action: body.action,
        options: body.options ?? {},
        items: body.csv !== undefined ? itemsFromCsv(body.csv) : itemsFromJson(body.items ?? []),
        concurrency: body.concurrency,
        idempotencyKey: ctx.state.idempotencyKey,
        createdBy: `credential:${auth.credential.id}`,
      });
      ctx.set('Location', `${ctx.path}/${job.publicId}`);
      respond(
        ctx,
        { job: await present(job, ctx.path) },
        job.invalidItems > 0
          ? `Checked: ${job.invalidItems} of ${job.totalItems} items are invalid. Confirm to run the others with skip_invalid.`
          : 'Checked and priced: confirm the job to run it.',
        201,
      );
    },
  );

  router.get('/bulk-jobs', answers({ 200: z.object({ jobs: z.array(BulkJobJson) }) }), read, async (ctx) => {
    const rows = await listBulkJobs(deps.db, { resellerId: me(ctx).id });
    respond(ctx, { jobs: await Promise.all(rows.map((r) => present(r, ctx.path))) });
  });

  router.get(
    '/bulk-jobs/:job',
    answers({ 200: JOB }, ['bulk_job_not_found']),
    read,
    validate(bulkJobRequest),
    async (ctx) => {
      const job = await findBulkJob(deps.db, me(ctx).id, input(ctx, bulkJobRequest).params.job);
      respond(ctx, { job: await present(job, ctx.path) });
    },
  );

  router.get(
    '/bulk-jobs/:job/results.csv',
    answers({ 200: 'csv' }, ['bulk_job_not_found']),
    read,
    validate(bulkJobRequest),
    async (ctx) => {
      const job = await findBulkJob(deps.db, me(ctx).id, input(ctx, bulkJobRequest).params.job);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${job.publicId}.csv"`);
      ctx.body = await bulkResultsCsv(deps.db, job);
    },
  );

  router.post(
    '/bulk-jobs/:job/confirm',
    answers({ 202: JOB }, [
      'bulk_job_not_found',
      'bulk_job_invalid',
      'bulk_job_discarded',
      'insufficient_balance',
    ]),
    write,
    validate(confirmBulkJobRequest),
    async (ctx) => {
      const { params, body } = input(ctx, confirmBulkJobRequest);
      const job = await confirmBulkJob(deps, me(ctx), params.job, {
        skipInvalid: body?.skip_invalid === true,
      });
      respond(ctx, { job: await present(job, ctx.path) }, 'The job runs.', 202);
    },
  );

  for (const what of ['pause', 'resume', 'cancel'] as const)
    router.post(
      `/bulk-jobs/:job/${what}`,
      answers({ 202: JOB }, CONTROL_ERRORS),
      write,
      validate(bulkJobRequest),
      async (ctx) => {
        const job = await controlBulkJob(deps, me(ctx).id, input(ctx, bulkJobRequest).params.job, what);
        const said = {
          pause: 'Paused: the items in flight finish, no other starts.',
          resume: 'Resumed.',
          cancel: 'Cancelling: the items in flight finish, the others will not run.',
        }[what];
        respond(ctx, { job: await present(job, ctx.path) }, said, 202);
      },
    );

  return router;
}
