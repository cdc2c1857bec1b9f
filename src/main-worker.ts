import type { Knex } from 'knex';
import type { Config } from './config';
import { createKnex } from './db/knex';
import { databaseUrlFor } from './deps';
import type { Logger } from './logger';
import { connectWorker, createWorker } from './temporal/worker';

export interface RunningWorker {
  /** Resolves when the worker has stopped (after `shutdown()` or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** Builds the worker's dependencies (only here) and runs it until `shutdown()`. */
export async function startWorker(
  config: Config,
  log: Logger,
  opts: { db?: Knex } = {},
): Promise<RunningWorker> {
  const db = opts.db ?? createKnex(databaseUrlFor(config));
  const connection = await connectWorker(config.TEMPORAL_ADDRESS);
  const worker = await createWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, deps: { db, log } });
  log.info({ taskQueue: worker.options.taskQueue, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
  const done = worker.run().finally(async () => {
    await connection.close();
    if (!opts.db) await db.destroy();
    log.info('worker stopped');
  });
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
