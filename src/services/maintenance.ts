import { queueFor, type QueueConfig, type WorkflowStarter } from '../temporal/queues';
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { Knex } from 'knex';
import type { OrderRow } from '../db/models';
import type { apiLogRetentionWorkflow, expiryRemindersWorkflow, orderWorkflow } from '../../workflows';
import {
  API_LOG_RETENTION_SCHEDULE_ID,
  DomainNameAttr,
  EXPIRY_SCHEDULE_ID,
  type OrderInput,
  ResellerIdAttr,
} from '../../workflows/contracts';
import type { Config } from '../config';
import { orderLabel, runOptions } from '../../workflows/summaries';
import { holdRef, voidHold } from './ledger';
import { newPublicId } from '../utils/public-ids';
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

/** Failures a new attempt can fix: the registrar was unreachable, or a crash abandoned the order. */
export const RESUMABLE_FAILURES = ['registrar_failed', 'abandoned'] as const;

export interface RetryCandidate {
  order: string;
  action: string;
  domain: string;
  /** Why it can be resumed (or, in `skipped`, why it is not). */
  reason: string;
}

export interface RetrySummary {
  considered: number;
  /** Resumed (or, with `dryRun`, to be resumed). */
  resumed: RetryCandidate[];
  skipped: RetryCandidate[];
}

export interface RetryOptions {
  /** `failed` and/or `processing`. */
  statuses: string[];
  limit: number;
  /** Only orders last changed at least this long ago. */
  olderThanMs?: number;
  /** List what would be resumed and why; change nothing. */
  dryRun?: boolean;
  /** Only this reseller's orders. */
  resellerId?: number;
  onProgress?: (line: string) => void;
}

const RESUME_REASONS: Record<string, string> = {
  registrar_failed: 'the registrar was unavailable or timed out',
  abandoned: 'abandoned by a crash while processing',
  processing: 'processing with no running workflow (abandoned by a crash)',
};

/**
 * `domains:retry-provisioning`: resumes register, renew and transfer orders whose failure a new
 * attempt can fix (RESUMABLE_FAILURES, or left processing with no running workflow) as a new
 * attempt paid from the wallet. Refusals (insufficient balance, registrar rejection, domain
 * unavailable, expired invoice) are never resumed; running orders are left alone.
 */
export async function retryProvisioning(
  db: Knex,
  temporal: Client,
  config: Pick<Config, 'TRANSFER_POLL_SECONDS'> & QueueConfig,
  opts: RetryOptions,
): Promise<RetrySummary> {
  const orders = (await db('orders')
    .whereIn('action', ['register', 'renew', 'transfer'])
    .where((q) => {
      if (opts.statuses.includes('failed'))
        void q.orWhere((f) => void f.where('status', 'failed').whereIn('failureCode', RESUMABLE_FAILURES));
      if (opts.statuses.includes('processing')) void q.orWhere('status', 'processing');
    })
    .modify((q) => {
      if (opts.olderThanMs !== undefined)
        void q.where('updatedAt', '<', new Date(Date.now() - opts.olderThanMs));
      if (opts.resellerId !== undefined) void q.where('resellerId', opts.resellerId);
    })
    .orderBy('id')
    .limit(opts.limit)) as OrderRow[];
  const summary: RetrySummary = { considered: orders.length, resumed: [], skipped: [] };
  for (const [i, order] of orders.entries()) {
    const candidate = {
      order: order.publicId,
      action: order.action,
      domain: order.domainName,
      reason: RESUME_REASONS[order.status === 'processing' ? 'processing' : (order.failureCode ?? '')] ?? '',
    };
    const step = `[${i + 1}/${orders.length}] ${order.publicId} (${order.action} ${order.domainName})`;
    const running = await temporal.workflow
      .getHandle(order.workflowId)
      .describe()
      .then(
        (d) => d.status.name === 'RUNNING',
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        },
      );
    if (running) {
      summary.skipped.push({ ...candidate, reason: 'its workflow is still running' });
      opts.onProgress?.(`${step} skipped: its workflow is still running`);
      continue;
    }
    if (opts.dryRun) {
      summary.resumed.push(candidate);
      opts.onProgress?.(`${step} would be resumed: ${candidate.reason}`);
      continue;
    }
    if (order.status === 'processing') {
      // Left behind by a workflow that no longer runs: release its hold before the new attempt.
      await voidHold(db, holdRef(order.id, order.attempt)).catch(() => undefined);
      await db('orders')
        .where({ id: order.id })
        .update({ status: 'failed', failureCode: 'abandoned', updatedAt: db.fn.now() });
    }
    const input: OrderInput = {
      publicId: newPublicId('ord'),
      resellerId: order.resellerId,
      action: order.action,
      domain: order.domainName,
      years: order.years,
      paymentMethod: 'wallet',
      amountMinor: String(order.amountMinor),
      currency: order.currency.trim(),
      premium: order.premium,
      idempotencyKey: null,
      fromExpiresAt: order.fromExpiresAt ? new Date(order.fromExpiresAt).toISOString() : null,
      nameservers: order.request.nameservers ?? [],
      contacts: order.request.contacts ?? null,
      privacy: order.request.privacy ?? null,
      autoRenew: order.request.autoRenew ?? null,
      // Transfers keep their sealed auth code while they can be resumed.
      sealedAuthCode: order.authCode,
      invoiceExpiresAt: null,
      transferPollSeconds: config.TRANSFER_POLL_SECONDS,
      gateway: null,
      resumeOrderId: order.id,
    };
    const reseller = (await db('resellers').where({ id: order.resellerId }).first('name')) as
      { name: string } | undefined;
    const label = orderLabel(
      input,
      { id: order.resellerId, name: reseller?.name },
      `domains:retry-provisioning (order ${order.publicId})`,
    );
    await temporal.workflow.start<typeof orderWorkflow>('orderWorkflow', {
      taskQueue: queueFor(config, 'orderWorkflow'),
      workflowId: `${order.workflowId.replace(/:retry:\d+$/, '')}:retry:${order.attempt + 1}`,
      args: [input],
      ...runOptions(label, [
        { key: ResellerIdAttr, value: String(order.resellerId) },
        { key: DomainNameAttr, value: order.domainName },
      ]),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    summary.resumed.push(candidate);
    opts.onProgress?.(`${step} resumed: ${candidate.reason}`);
  }
  return summary;
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
