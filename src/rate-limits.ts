import cluster from 'node:cluster';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterCluster,
  RateLimiterMemory,
  RateLimiterRedis,
} from 'rate-limiter-flexible';
import type { Config } from './config';
import type { Logger } from './logger';

/** Where the API's counters live. */
export type LimiterStore = 'redis' | 'cluster' | 'memory';

export interface Limiters {
  readonly store: LimiterStore;
  /** A limiter of `points` per `durationSeconds` per key; the same name is the same counters in every process. */
  make(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
  close(): Promise<void>;
}

/**
 * The API's rate limits, shared by every process that serves it: on Redis when `REDIS_URL` is
 * set (several API processes or hosts count together; while Redis is unreachable each process
 * falls back to its own memory rather than refusing or admitting everyone), through the cluster
 * primary when the API runs as several processes without Redis (API_PROCESSES), and in memory
 * otherwise.
 */
export function createLimiters(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_KEY_PREFIX'>,
  log: Logger,
): Limiters {
  if (config.REDIS_URL) {
    const redis = new Redis(config.REDIS_URL, {
      // Fail a command at once while disconnected, so the memory fallback answers without waiting.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    let warned = 0;
    redis.on('error', (err: Error) => {
      if (Date.now() - warned < 30_000) return;
      warned = Date.now();
      log.warn(
        { err: err.message },
        'rate limits: Redis unreachable; counting in this process until it is back',
      );
    });
    return {
      store: 'redis',
      make: (name, points, duration) =>
        new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${config.REDIS_KEY_PREFIX}rl:${name}`,
          points,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ points, duration }),
        }),
      close: async () => {
        redis.disconnect();
        await Promise.resolve();
      },
    };
  }
  if (cluster.isWorker)
    return {
      store: 'cluster',
      make: (name, points, duration) =>
        new RateLimiterCluster({ keyPrefix: name, points, duration, timeoutMs: 3_000 }),
      close: () => Promise.resolve(),
    };
  return {
    store: 'memory',
    make: (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration }),
    close: () => Promise.resolve(),
  };
}
