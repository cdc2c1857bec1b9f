import { queueFor, type QueueConfig, type WorkflowStarter } from '../temporal/queues';
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Knex } from 'knex';
import type { apiLogRetentionWorkflow, expiryRemindersWorkflow } from '../../workflows';
import { API_LOG_RETENTION_SCHEDULE_ID, EXPIRY_SCHEDULE_ID } from '../../workflows/contracts';
import type { Config } from '../config';
import { runOptions } from '../../workflows/summaries';
import {
  type DeliveryJob,
  type DispatchOptions,
  jobsFor,
  restartDelivery,
  subscribedEndpoints,
} from '../webhooks/dispatcher';
import { type SweepResult, sweepWebhookJobs } from '../webhooks/relay';

/** What each scheduled run is, as the Temporal UI lists it. */
const SCHEDULE_SUMMARIES: Readonly<Record<string, string>> = {
  expiryRemindersWorkflow: 'Daily expiry scan: domain.expiring reminders and wallet auto-renewals',
  apiLogRetentionWorkflow: 'Daily API log retention: deletes api_logs rows past the retention period',
};

/** Creates a daily Schedule that starts `workflowType`, or updates it to the current configuration (idempotent). */
async function ensureSchedule(
  { temporal, taskQueue }: WorkflowStarter,
  scheduleId: string,
  cron: string,
  workflowType: string,
  args: unknown[],
): Promise<'created' | 'updated'> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType,
    taskQueue,
    args,
    workflowId: `${scheduleId}-run`,
    ...runOptions({
      staticSummary: SCHEDULE_SUMMARIES[workflowType] ?? `Scheduled ${workflowType}`,
      staticDetails: `- **Schedule**: ${scheduleId} (\`${cron}\`)\n- **Arguments**: ${JSON.stringify(args)}`,
    }),
  };
  const spec = { cronExpressions: [cron] };
  try {
    await temporal.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await temporal.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
    return 'updated';
  }
}

/** The daily expiry-reminder Schedule, created or brought up to the configuration. */
export function ensureExpirySchedule(
  temporal: Client,
  config: Pick<Config, 'EXPIRY_SCHEDULE_CRON' | 'EXPIRY_REMINDER_DAYS' | 'AUTO_RENEW_DAYS'> & QueueConfig,
): Promise<'created' | 'updated'> {
  const args: Parameters<typeof expiryRemindersWorkflow> = [
    {
      thresholdsDays: config.EXPIRY_REMINDER_DAYS,
      autoRenewDays: config.AUTO_RENEW_DAYS,
      orderTaskQueue: queueFor(config, 'orderWorkflow'),
    },
  ];
  return ensureSchedule(
    { temporal, taskQueue: queueFor(config, 'expiryRemindersWorkflow') },
    EXPIRY_SCHEDULE_ID,
    config.EXPIRY_SCHEDULE_CRON,
    'expiryRemindersWorkflow',
    args,
  );
}

/** The daily API log retention Schedule (API_LOG_RETENTION_DAYS), created or brought up to the configuration. */
export function ensureRetentionSchedule(
  temporal: Client,
  config: Pick<Config, 'API_LOG_RETENTION_CRON' | 'API_LOG_RETENTION_DAYS'> & QueueConfig,
): Promise<'created' | 'updated'> {
  const args: Parameters<typeof apiLogRetentionWorkflow> = [{ days: config.API_LOG_RETENTION_DAYS }];
  return ensureSchedule(
    { temporal, taskQueue: queueFor(config, 'apiLogRetentionWorkflow') },
    API_LOG_RETENTION_SCHEDULE_ID,
    config.API_LOG_RETENTION_CRON,
    'apiLogRetentionWorkflow',
    args,
  );
}

/**
 * `webhooks:retry-failed`: first gives pending jobs with no live delivery workflow one (the
 * relay's sweep, without its grace period when asked), then restarts failed deliveries to enabled
 * endpoints as a new run (the attempt budget starts again).
 */
export async function retryFailedWebhooks(
  db: Knex,
  temporal: Client,
  opts: DispatchOptions & {
    limit: number;
    graceSeconds: number;
    onProgress?: (line: string) => void;
  },
): Promise<{ failed: number } & SweepResult> {
  const swept = await sweepWebhookJobs(db, temporal, opts);
  if (swept.started + swept.restarted > 0)
    opts.onProgress?.(
      `pending without a delivery: ${swept.started} started, ${swept.restarted} restarted (of ${swept.checked} checked)`,
    );
  const jobs = (await db('webhookJobs as j')
    .join('webhookEndpoints as w', 'w.id', 'j.endpointId')
    .where('j.status', 'failed')
    .where('w.enabled', true)
    .orderBy('j.id')
    .limit(opts.limit)
    .select('j.id', 'j.run', 'j.endpointId', 'w.resellerId')) as Array<DeliveryJob>;
  for (const [i, job] of jobs.entries()) {
    await restartDelivery(db, temporal, { ...job, id: String(job.id) }, opts);
    opts.onProgress?.(`[${i + 1}/${jobs.length}] delivery ${job.id} restarted`);
  }
  return { failed: jobs.length, ...swept };
}

/** `webhooks:replay --event=ID`: delivers an event again to every endpoint that got it (or subscribes now). */
export async function replayEvent(
  db: Knex,
  temporal: Client,
  eventId: string,
  opts: DispatchOptions,
): Promise<number> {
  const event = (await db('events').where({ id: eventId }).first('id', 'resellerId', 'type')) as
    { id: string; resellerId: number; type: string } | undefined;
  if (!event) throw new Error(`no event ${eventId}`);
  const jobs = await jobsFor(db, event, await subscribedEndpoints(db, event.resellerId, event.type));
  for (const job of jobs) await restartDelivery(db, temporal, job, opts);
  return jobs.length;
}
