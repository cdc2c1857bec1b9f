import { bulkJobWorkflowId } from '../../workflows/contracts';
import { cancelBulkJobSignal, pauseBulkJobSignal, resumeBulkJobSignal } from '../../workflows/messages';
import { type BulkJobRow, findBulkJob } from './bulk-jobs';
import type { CoreDeps } from './deps';
import { conflict } from './errors';

const CONTROL = {
  pause: { from: ['running'], to: 'paused', signal: pauseBulkJobSignal },
  resume: { from: ['paused'], to: 'running', signal: resumeBulkJobSignal },
  cancel: { from: ['running', 'paused'], to: 'cancelling', signal: cancelBulkJobSignal },
} as const;

/**
 * Pauses, resumes or cancels a job through its run's signals (a job in preflight is discarded by
 * a cancel). The same request twice changes nothing the second time; one that cannot apply (a
 * finished job) is 409 `bulk_job_not_running`.
 */
export async function controlBulkJob(
  deps: Pick<CoreDeps, 'db' | 'temporal'>,
  resellerId: number | null,
  publicId: string,
  what: keyof typeof CONTROL,
): Promise<BulkJobRow> {
  const job = await findBulkJob(deps.db, resellerId, publicId);
  const c = CONTROL[what];
  if (what === 'cancel' && job.status === 'preflight') {
    await deps
      .db('bulkJobs')
      .where({ id: job.id, status: 'preflight' })
      .update({ status: 'discarded', finishedAt: deps.db.fn.now() });
    return findBulkJob(deps.db, resellerId, publicId);
  }
  if (job.status === c.to || (what === 'cancel' && job.status === 'cancelled')) return job;
  if (!(c.from as readonly string[]).includes(job.status))
    throw conflict('bulk_job_not_running', `The job is ${job.status}: it cannot be ${what}d.`);
  await deps.temporal.workflow.getHandle(bulkJobWorkflowId(job.publicId)).signal(c.signal);
  await deps.db('bulkJobs').where({ id: job.id }).whereIn('status', c.from).update({ status: c.to });
  return findBulkJob(deps.db, resellerId, publicId);
}
