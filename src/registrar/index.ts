import { Redis } from 'ioredis';
import { ACCOUNT_LIMITS, type AccountLevel, DYNADOT_RATE_WINDOW_MS } from './account';
import { DynadotRegistrar } from './dynadot/client';
import {
  type AccountLimiter,
  type LimitSettings,
  MemoryAccountLimiter,
  RedisAccountLimiter,
} from './limiter';
import type { Registrar } from './types';

/**
 * The settings the registrar is built from (config-registrar.ts validates them; REDIS_URL and
 * REDIS_KEY_PREFIX are config.ts's). Spelled out here rather than picked from Config, so this
 * floor does not look up at the configuration that is built on its account levels.
 */
export interface RegistrarConfig {
  DYNADOT_API_URL: string;
  DYNADOT_API_KEY: string;
  DYNADOT_ACCOUNT_LEVEL: AccountLevel;
  DYNADOT_RATE_WINDOW_MS: number;
  REGISTRAR_CURRENCY: string;
  REGISTRAR_MAX_CONCURRENCY?: number | undefined;
  REGISTRAR_TIMEOUT_MS: number;
  REDIS_URL?: string | undefined;
  REDIS_KEY_PREFIX: string;
}

/** The account's limits as configured: the level's, with REGISTRAR_MAX_CONCURRENCY capping threads. */
export function accountLimits(config: RegistrarConfig): LimitSettings & { searchBatch: number } {
  const level = ACCOUNT_LIMITS[config.DYNADOT_ACCOUNT_LEVEL];
  return {
    threads: Math.min(level.threads, config.REGISTRAR_MAX_CONCURRENCY ?? level.threads),
    callsPerWindow: level.callsPerWindow,
    windowMs: config.DYNADOT_RATE_WINDOW_MS,
    searchBatch: level.searchBatch,
  };
}

/**
 * The account's limiter: on Redis when REDIS_URL is set, so every API process and worker that
 * uses the key counts together; in this process's memory otherwise.
 */
export function createAccountLimiter(config: RegistrarConfig): AccountLimiter {
  const limits = accountLimits(config);
  if (!config.REDIS_URL) return new MemoryAccountLimiter(limits);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 2_000 });
  // The connection must not keep a finished command (a CLI run) alive.
  redis.on('connect', () => (redis.stream as { unref?: () => void } | undefined)?.unref?.());
  redis.on('error', () => undefined);
  return new RedisAccountLimiter(
    redis,
    `${config.REDIS_KEY_PREFIX}registrar:${config.DYNADOT_API_KEY.slice(-6)}`,
    {
      ...limits,
      leaseMs: config.REGISTRAR_TIMEOUT_MS + 5_000,
    },
  );
}

/** The registrar the worker (and the API's read paths) use: Dynadot, at the configured URL. */
export function createRegistrar(config: RegistrarConfig, limiter?: AccountLimiter): Registrar {
  return dynadotClient({
    apiUrl: config.DYNADOT_API_URL,
    apiKey: config.DYNADOT_API_KEY,
    level: config.DYNADOT_ACCOUNT_LEVEL,
    currency: config.REGISTRAR_CURRENCY,
    limiter: limiter ?? createAccountLimiter(config),
    timeoutMs: config.REGISTRAR_TIMEOUT_MS,
  });
}

/** A Dynadot client for an account of `level` at `apiUrl` (the simulator's in dev, tests and benches). */
export function dynadotClient(args: {
  apiUrl: string;
  apiKey: string;
  level: AccountLevel;
  windowMs?: number;
  timeoutMs: number;
  currency?: string;
  throttlePauseMs?: number;
  limiter?: AccountLimiter;
  fetch?: typeof fetch;
}): DynadotRegistrar {
  const limits = ACCOUNT_LIMITS[args.level];
  return new DynadotRegistrar({
    baseUrl: args.apiUrl,
    apiKey: args.apiKey,
    currency: args.currency ?? 'USD',
    searchBatch: limits.searchBatch,
    limiter:
      args.limiter ??
      new MemoryAccountLimiter({ ...limits, windowMs: args.windowMs ?? DYNADOT_RATE_WINDOW_MS }),
    timeoutMs: args.timeoutMs,
    ...(args.throttlePauseMs !== undefined ? { throttlePauseMs: args.throttlePauseMs } : {}),
    ...(args.fetch ? { fetch: args.fetch } : {}),
  });
}
