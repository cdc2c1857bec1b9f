import { hostname } from 'node:os';
import type { Knex } from 'knex';
import type { Config } from './config';
import { createKnex } from './db/knex';
import { databaseUrlFor } from './db/database-url';
import type { Logger } from './logger';
import { Client, Connection } from '@temporalio/client';
import { ensureExpirySchedule, ensureRetentionSchedule } from './services/maintenance';
import { relayOptions } from './webhooks/dispatcher';
import { startEventRelay } from './webhooks/relay';
import { createActivities } from '../activities';
import { buildActivityDeps } from './activity-deps';
import { addonNameserversWithoutGlue } from './hosted-dns/glue-check';
import type { Registrar } from './registrar/types';
import { installRuntime } from './temporal/runtime';
import { ensureSearchAttributes } from './temporal/search-attributes';
import { accountLimits } from './registrar';
import type { TaskQueueKind } from '../workflows/contracts';
import {
  configuredDeployment,
  connectWorker,
  createQueueWorkers,
  polledQueues,
  runWorkers,
} from './temporal/worker';
import { dataConverterOf } from './temporal/data-converter';

/**
 * Registers our search attributes when the namespace lacks them (self-hosted servers allow it;
 * where the operator API is refused, e.g. Temporal Cloud, they must be added by an operator).
 */
async function registerSearchAttributes(config: Config, log: Logger): Promise<void> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
    if (added.length > 0) log.info({ added }, 'registered search attributes');
  } catch (err) {
    log.warn({ err }, 'could not register search attributes; run `doctor` to see which are missing');
  } finally {
    await connection.close();
  }
}

export interface RunningWorker {
  /** Resolves when the worker has stopped (after `shutdown()` or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * In production, the hosted DNS addon's nameservers under a domain we hold must be registered
 * hosts (glue) at the registrar, or every delegation to them is refused: the worker does not
 * start until they are (`host:set`). A registrar that cannot be asked is only warned about.
 */
async function checkAddonGlue(
  deps: { db: Knex; registrar: Registrar },
  addon: NonNullable<ReturnType<typeof buildActivityDeps>['dnsAddon']>,
  log: Logger,
): Promise<void> {
  let missing: string[];
  try {
    missing = await addonNameserversWithoutGlue(deps, addon);
  } catch (err) {
    log.warn({ err }, 'could not check the DNS addon nameservers against the registrar');
    return;
  }
  if (missing.length > 0)
    throw new Error(
      `DNS_ADDON_NAMESERVERS ${missing.join(', ')} are not registered hosts at the registrar: register each with its addresses first (npm run cli -- host:set <domain> <host> --ip <address>)`,
    );
}

/** Builds the worker's dependencies (only here) and runs it until `shutdown()`. */
export async function startWorker(
  config: Config,
  log: Logger,
  opts: { db?: Knex; registrar?: Registrar } = {},
): Promise<RunningWorker> {
  const db = opts.db ?? createKnex(databaseUrlFor(config));
  installRuntime(log, config.WORKER_METRICS_ADDRESS || undefined);
  const connection = await connectWorker(config.TEMPORAL_ADDRESS);
  await registerSearchAttributes(config, log);
  const deps = buildActivityDeps(config, db, log, { registrar: opts.registrar });
  if (config.NODE_ENV === 'production' && deps.dnsAddon) await checkAddonGlue(deps, deps.dnsAddon, log);
  const deployment = configuredDeployment(config);
  const queues = polledQueues(config);
  const converter = dataConverterOf(config);
  const workers = await createQueueWorkers({
    connection,
    dataConverter: converter,
    namespace: config.TEMPORAL_NAMESPACE,
    activities: createActivities(deps),
    deployment,
    queues,
    registrarLimits: accountLimits(config),
    shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
    identity: `${process.pid}@${hostname()} worker(${queues.map((q) => q.kind).join(',')})`,
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
  });
  log.info(
    {
      taskQueues: workers.map((w) => w.options.taskQueue),
      namespace: config.TEMPORAL_NAMESPACE,
      deployment: deployment ? `${deployment.name}:${deployment.buildId}` : 'unversioned',
    },
    'worker started',
  );
  const polls = (kind: TaskQueueKind) => queues.some((q) => q.kind === kind);
  const relayConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const relayClient = new Client({
    connection: relayConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: converter,
  });
  // The schedules start default-queue work; the outbox relay starts webhook deliveries: each is
  // kept by the workers that poll that queue.
  if (polls('default')) {
    await ensureExpirySchedule(relayClient, config).then(
      (what) => log.info({ schedule: 'expiry-reminders', what }, 'expiry reminder schedule ready'),
      (err: unknown) => log.warn({ err }, 'could not create the expiry reminder schedule; run doctor'),
    );
    await ensureRetentionSchedule(relayClient, config).then(
      (what) => log.info({ schedule: 'api-log-retention', what }, 'API log retention schedule ready'),
      (err: unknown) => log.warn({ err }, 'could not create the API log retention schedule; run doctor'),
    );
  }
  const stopRelay = polls('webhooks')
    ? startEventRelay(db, relayClient, relayOptions(config), log)
    : () => Promise.resolve();
  const done = runWorkers(workers).finally(async () => {
    await stopRelay();
    await relayConnection.close();
    await connection.close();
    if (!opts.db) await db.destroy();
    log.info('worker stopped');
  });
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
