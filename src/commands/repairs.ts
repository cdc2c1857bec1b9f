import { msToNumber } from '@temporalio/common/lib/time';
import { type Command, InvalidArgumentError } from 'commander';
import { ensureExpirySchedule, replayEvent, retryFailedWebhooks } from '../services/maintenance';
import { retryProvisioning } from '../services/retry-provisioning';
import { relayOptions } from '../webhooks/dispatcher';
import { EXPIRY_SCHEDULE_ID } from '../../workflows/contracts';
import { withCore } from './context';

/** The batch repairs: resume provisioning, run the expiry reminders now, retry and replay webhooks. */
export function registerRepairs(program: Command): void {
  program
    .command('domains:retry-provisioning')
    .description(
      'Resume register, renew and transfer orders that failed because the registrar was unavailable, or were abandoned processing, as a new attempt paid from the wallet. Refusals (insufficient balance, registrar rejection, unavailable domain) are never resumed.',
    )
    .option('--status <list>', 'order statuses to consider: failed and/or processing', 'failed,processing')
    .option('--limit <n>', 'at most this many orders', '50')
    .option('--older-than <duration>', 'only orders unchanged for at least this long (e.g. 30m, 2h, 1d)')
    .option('--dry-run', 'list what would be resumed and why; change nothing')
    .option('--reseller <id>', "only this reseller's orders")
    .action(
      async (opts: {
        status: string;
        limit: string;
        olderThan?: string;
        dryRun?: boolean;
        reseller?: string;
      }) => {
        const statuses = opts.status.split(',').map((s) => s.trim());
        const unknown = statuses.filter((s) => !['failed', 'processing'].includes(s));
        if (unknown.length > 0)
          throw new InvalidArgumentError(
            `--status takes failed and/or processing, not ${unknown.join(', ')}`,
          );
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new InvalidArgumentError('--limit must be a positive whole number');
        let olderThanMs: number | undefined;
        if (opts.olderThan !== undefined) {
          try {
            olderThanMs = msToNumber(opts.olderThan as Parameters<typeof msToNumber>[0]);
          } catch {
            throw new InvalidArgumentError(
              `--older-than takes a duration such as 30m, 2h or 1d, not ${opts.olderThan}`,
            );
          }
        }
        const resellerId = opts.reseller === undefined ? undefined : Number(opts.reseller);
        if (resellerId !== undefined && (!Number.isInteger(resellerId) || resellerId < 1))
          throw new InvalidArgumentError('--reseller takes a reseller id');
        const summary = await withCore(({ config, db, temporal }) =>
          retryProvisioning(db, temporal, config, {
            statuses,
            limit,
            ...(olderThanMs === undefined ? {} : { olderThanMs }),
            ...(resellerId === undefined ? {} : { resellerId }),
            dryRun: opts.dryRun ?? false,
            onProgress: (line) => console.log(line),
          }),
        );
        console.log(
          `considered ${summary.considered}, ${opts.dryRun ? 'would resume' : 'resumed'} ${summary.resumed.length}, skipped ${summary.skipped.length}`,
        );
      },
    );

  program
    .command('domains:send-expiry-reminders')
    .description('Run the expiry reminder schedule now (creates or updates it first).')
    .action(async () => {
      await withCore(async ({ config, temporal }) => {
        const what = await ensureExpirySchedule(temporal, config);
        await temporal.schedule.getHandle(EXPIRY_SCHEDULE_ID).trigger();
        console.log(
          `schedule ${EXPIRY_SCHEDULE_ID} ${what}; triggered a run now (see it in the Temporal UI)`,
        );
      });
    });

  program
    .command('webhooks:retry-failed')
    .description(
      'Give pending deliveries with no running workflow one, then restart failed deliveries (enabled endpoints only).',
    )
    .option('--limit <n>', 'at most this many deliveries', '100')
    .action(async (opts: { limit: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new InvalidArgumentError('--limit must be a positive whole number');
      const res = await withCore(({ config, db, temporal }) =>
        retryFailedWebhooks(db, temporal, {
          limit,
          ...relayOptions(config),
          graceSeconds: config.WEBHOOK_SWEEP_GRACE_SECONDS,
          onProgress: (line) => console.log(line),
        }),
      );
      console.log(
        `restarted ${res.failed} failed deliveries; ${res.started + res.restarted} stranded pending deliveries given a workflow`,
      );
    });

  program
    .command('webhooks:replay')
    .description('Deliver one event again to its endpoints.')
    .requiredOption('--event <id>', 'event id (the X-Webhook-Id receivers saw)')
    .action(async (opts: { event: string }) => {
      const n = await withCore(({ config, db, temporal }) =>
        replayEvent(db, temporal, opts.event, relayOptions(config)),
      );
      console.log(`replaying event ${opts.event} to ${n} endpoint(s)`);
    });
}
