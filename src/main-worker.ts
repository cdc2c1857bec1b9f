import type { Knex } from 'knex';
import type { Config } from './config';
import { createKnex } from './db/knex';
import { databaseUrlFor } from './deps';
import type { Logger } from './logger';
import { Client, Connection } from '@temporalio/client';
import { ensureExpirySchedule, ensureRetentionSchedule } from './services/operations';
import { relayOptions, startEventRelay } from './webhooks/dispatcher';
import { buildActivityDeps } from './activity-deps';
import type { Registrar } from './registrar/types';
import { installRuntime } from './temporal/runtime';
import { ensureSearchAttributes } from './temporal/search-attributes';
import { accountLimits } from './registrar';
import {
  configuredDeployment,
  connectWorker,
  createRegistrarWorker,
  createWorker,
  runWorkers,
} from './temporal/worker';

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
  const deployment = configuredDeployment(config);
  const worker = await createWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, deps, deployment });
  const registrarWorker = await createRegistrarWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    deps,
    limits: accountLimits(config),
    deployment,
  });
  log.info(
    {
      taskQueue: worker.options.taskQueue,
      registrarTaskQueue: registrarWorker.options.taskQueue,
      namespace: config.TEMPORAL_NAMESPACE,
      deployment: deployment ? `${deployment.name}:${deployment.buildId}` : 'unversioned',
    },
    'worker started',
  );
  const relayConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const relayClient = new Client({ connection: relayConnection, namespace: config.TEMPORAL_NAMESPACE });
  await ensureExpirySchedule(relayClient, config).then(
    (what) => log.info({ schedule: 'expiry-reminders', what }, 'expiry reminder schedule ready'),
    (err: unknown) => log.warn({ err }, 'could not create the expiry reminder schedule; run doctor'),
  );
  await ensureRetentionSchedule(relayClient, config).then(
    (what) => log.info({ schedule: 'api-log-retention', what }, 'API log retention schedule ready'),
    (err: unknown) => log.warn({ err }, 'could not create the API log retention schedule; run doctor'),
  );
  const stopRelay = startEventRelay(db, relayClient, relayOptions(config), log);
  const done = runWorkers([worker, registrarWorker]).finally(async () => {
    await stopRelay();
    await relayConnection.close();
    await connection.close();
    if (!opts.db) await db.destroy();
    log.info('worker stopped');
  });
  return {
    done,
    async shutdown() {
      for (const w of [worker, registrarWorker]) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
