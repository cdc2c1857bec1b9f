import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/**
 * Every environment variable the project reads. docs/configuration.md mirrors this
 * schema; keep them in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(3000),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().default(path.resolve(process.cwd(), '.data')),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** Where the app is reached from outside: sign-in links the CLI prints point here. */
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Where operators open workflows in the Temporal UI (links from the admin API and console). */
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  TEMPORAL_UI_PORT: port.default(8233),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  TRUST_PROXY: bool.default(false),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'use a size such as 512kb or 1mb')
    .default('1mb'),
  RATE_LIMIT_POINTS: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_UNAUTHENTICATED_POINTS: z.coerce.number().int().positive().default(30),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().positive().default(30),
  SECRETS_KEY: z.string().min(16).default('dev-only-secrets-key-change-me'),
  DYNADOT_API_URL: z.string().url().default('http://127.0.0.1:4010/api3.json'),
  DYNADOT_API_KEY: z.string().min(1).default('sim-key'),
  REGISTRAR_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(25).default(5),
  REGISTRAR_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SIMULATOR_PORT: port.default(4010),
  ORDER_ACCEPT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  WORKFLOW_ANSWER_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(30_000),
  INVOICE_TTL_HOURS: z.coerce.number().positive().default(24),
  TRANSFER_POLL_SECONDS: z.coerce.number().positive().default(3600),
  PAYMENT_GATEWAY: z.enum(['auto', 'midtrans', 'xendit', 'none']).default('auto'),
  MIDTRANS_SERVER_KEY: z.string().min(1).default('SB-Mid-server-dev-only'),
  MIDTRANS_SNAP_URL: z.string().url().default('http://127.0.0.1:4020/snap/v1'),
  MIDTRANS_API_URL: z.string().url().default('http://127.0.0.1:4020'),
  MIDTRANS_VERIFY_STATUS: bool.default(false),
  XENDIT_SECRET_KEY: z.string().min(1).default('xnd_development_dev_only'),
  XENDIT_API_URL: z.string().url().default('http://127.0.0.1:4020'),
  XENDIT_CALLBACK_TOKEN: z.string().min(1).default('dev-only-xendit-callback-token'),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  GATEWAY_SIM_PORT: port.default(4020),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_BACKOFF_BASE_SECONDS: z.coerce.number().positive().default(60),
  WEBHOOK_RETRY_HORIZON_HOURS: z.coerce.number().positive().default(72),
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  WEBHOOK_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  WEBHOOK_SWEEP_GRACE_SECONDS: z.coerce.number().int().positive().default(60),
  /** Private/loopback webhook targets: allowed outside production unless set. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
  EXPIRY_REMINDER_DAYS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'use comma-separated whole days, such as 30,14,7,1')
    .default('30,14,7,1')
    .transform((v) => [...new Set(v.split(',').map(Number))].sort((a, b) => b - a)),
  AUTO_RENEW_DAYS: z.coerce.number().int().min(0).default(7),
  EXPIRY_SCHEDULE_CRON: z.string().default('0 2 * * *'),
  /** API log rows older than this many days are deleted by the daily `api-log-retention` schedule. */
  API_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  API_LOG_RETENTION_CRON: z.string().default('30 3 * * *'),
  WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    const left = DEVELOPMENT_ONLY.filter(
      (name) => config[name] === configSchema.shape[name].parse(undefined),
    );
    if (left.length > 0) {
      const lines = left.map(
        (name) => `  ${name}: must be set in production (the development default is public)`,
      );
      throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
    }
  }
  return config;
}

/**
 * Settings whose defaults are public development values: a production process that kept one
 * would let anyone forge a payment callback, read sealed secrets or send orders to the simulator.
 */
export const DEVELOPMENT_ONLY = [
  'SECRETS_KEY',
  'DYNADOT_API_URL',
  'DYNADOT_API_KEY',
  'MIDTRANS_SERVER_KEY',
  'XENDIT_SECRET_KEY',
  'XENDIT_CALLBACK_TOKEN',
] as const satisfies ReadonlyArray<keyof Config>;

export function allowPrivateWebhookTargets(
  config: Pick<Config, 'NODE_ENV' | 'WEBHOOK_ALLOW_PRIVATE_TARGETS'>,
): boolean {
  return config.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? config.NODE_ENV !== 'production';
}

export function usePrettyLogs(config: Config): boolean {
  return config.LOG_PRETTY ?? (config.NODE_ENV === 'development' && process.stdout.isTTY === true);
}
