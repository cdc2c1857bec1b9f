import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { serveClusterMetrics } from '../../metrics';

/** How many API processes to run: API_PROCESSES, else one per core in production and one elsewhere. */
export function apiProcesses(config: Pick<Config, 'API_PROCESSES' | 'NODE_ENV'>): number {
  return config.API_PROCESSES ?? (config.NODE_ENV === 'production' ? availableParallelism() : 1);
}

export interface ApiCluster {
  /** Resolves once every process listens. */
  ready: Promise<void>;
  /** Stops every process gracefully (each drains its requests and writes its api_logs rows). */
  close(): Promise<void>;
}

/**
 * The cluster primary: forks `processes` copies of this command, which share the port (Node's
 * cluster balances connections), replaces one that dies, shares the in-memory rate limits
 * between them when there is no Redis, and gathers their metrics for /metrics.
 */
export function runApiPrimary(processes: number, log: Logger): ApiCluster {
  new RateLimiterClusterMaster();
  serveClusterMetrics();
  let stopping = false;
  const listening = new Set<number>();
  let ready!: () => void;
  const allReady = new Promise<void>((resolve) => (ready = resolve));
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('listening', () => {
      listening.add(worker.id);
      if (listening.size >= processes) ready();
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'API process died; starting another');
    setTimeout(fork, 500);
  });
  for (let i = 0; i < processes; i += 1) fork();
  void allReady.then(() => log.info({ processes }, 'API cluster listening'));
  return {
    ready: allReady,
    async close() {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
