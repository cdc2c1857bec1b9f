import path from 'node:path';
import { z } from 'zod';
import { DNS_ADDON_SETTINGS } from './dns';
import { distinctQueues, WORKER_SETTINGS } from './worker';
import { REGISTRAR_SETTINGS } from './registrar';
import { bool, port } from './fields';
import { PAYMENT_SETTINGS } from './payments';
import { WEBHOOK_SETTINGS } from './webhooks';
import { HTTP_SETTINGS, orderedTimeouts } from './http';
import {
  DEVELOPMENT_PAYLOAD_KEY,
  holdsDevelopmentKey,
  parsePayloadKeys,
  type PayloadKeyring,
} from '../temporal/payload-keys';

/**
 * Every environment variable the app reads, each with its meaning: the configuration list in
 * docs/configuration.md is generated from this schema (`npm run generate`; a test fails when it
 * is stale).
 */
export const configSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('`development`, `test` or `production`'),
  HOST: z.string().default('0.0.0.0').describe('API bind address'),
  PORT: port.default(3000).describe('API port'),
  DATABASE_URL: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Postgres URL. Required in production; in development defaults to `postgres://postgres@127.0.0.1:5432/domain_reseller_dev` (and `npm run dev` falls back to embedded Postgres)',
    ),
  DATA_DIR: z
    .string()
    .default(path.resolve(process.cwd(), '.data'))
    .describe('where `npm run dev` keeps the Temporal SQLite file and embedded Postgres'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233').describe('Temporal frontend (gRPC)'),
  TEMPORAL_NAMESPACE: z.string().default('default').describe('Temporal namespace'),
  PUBLIC_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:3000')
    .describe('where the app is reached from outside: the sign-in links the CLI prints point here'),
  TEMPORAL_UI_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:8233')
    .describe("the Temporal UI operators open; the admin API's `workflow_url` links point there"),
  CODEC_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().transform((u) => new URL(u).origin)))
    .describe(
      "origins whose pages may call the codec server (`/console/codec`) with an operator's console cookie, comma-separated; unset: the origin of `TEMPORAL_UI_URL`",
    ),
  TEMPORAL_UI_PORT: port
    .default(8233)
    .describe(
      "Temporal Web UI port on 127.0.0.1: the dev server's (`npm run dev`) or temporal-ui-server's (`npm run prod:local`)",
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino level (`fatal` … `trace`, `silent`)'),
  LOG_PRETTY: bool
    .optional()
    .describe(
      '`true`/`false`: pino-pretty instead of JSON lines (unset: pretty in development on a terminal)',
    ),
  TRUST_PROXY: bool.default(false).describe('take the client IP from `X-Forwarded-For`'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'use a size such as 512kb or 1mb')
    .default('1mb')
    .describe('largest accepted request body (`512kb`, `1mb`, …)'),
  CREDENTIAL_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5_000)
    .describe(
      'how long an API process trusts a credential it looked up (revokes, suspensions and whitelist changes reach every process through Postgres LISTEN/NOTIFY, milliseconds after they commit); 0 turns the cache off',
    ),
  API_PROCESSES: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'API processes sharing the port (`api` command); default one per core in production, one elsewhere',
    ),
  REDIS_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'Redis for the rate limits shared by every API process and host (`redis://127.0.0.1:6379`); unset: counted in memory (or through the cluster primary with API_PROCESSES > 1)',
    ),
  REDIS_KEY_PREFIX: z
    .string()
    .default('domain-reseller:')
    .describe('prefix of every Redis key the API writes'),
  RATE_LIMIT_POINTS: z.coerce
    .number()
    .int()
    .positive()
    .default(120)
    .describe('requests per credential per window'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60).describe('rate-limit window'),
  RATE_LIMIT_UNAUTHENTICATED_POINTS: z.coerce
    .number()
    .int()
    .positive()
    .default(30)
    .describe('failed authentications per IP per window'),
  SHUTDOWN_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(30)
    .describe('reserved for graceful-shutdown deadlines'),
  SECRETS_KEY: z
    .string()
    .min(16)
    .default('dev-only-secrets-key-change-me')
    .describe('key for sealing transfer auth codes and webhook secrets (AES-256-GCM)'),
  PAYLOAD_KEYS: z
    .string()
    .default(DEVELOPMENT_PAYLOAD_KEY)
    .superRefine((v, ctx) => {
      const keys = parsePayloadKeys(v);
      if ('error' in keys) ctx.addIssue({ code: 'custom', message: keys.error });
      else if (!keys.some((k) => !k.from || k.from.getTime() <= Date.now()))
        ctx.addIssue({ code: 'custom', message: 'no key has started yet: one must encrypt now' });
    })
    .describe(
      'keys that encrypt workflow payloads (AES-256-GCM) in every client and worker: `id=base64` (32 bytes: `openssl rand -base64 32`), comma-separated; the first whose start has come encrypts (`id=base64@2026-12-08T00:00:00Z` starts later), every one decrypts. Every process must hold the same list; the development key is public and refused in production',
    ),
  ...REGISTRAR_SETTINGS,
  ...DNS_ADDON_SETTINGS,
  SIMULATOR_PORT: port
    .default(4010)
    .describe('port of the registrar simulator (`npm run dev`, `npm run simulator`)'),
  ORDER_ACCEPT_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(5_000)
    .describe('how long an order request waits for completion before answering 202'),
  WORKFLOW_ANSWER_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(300_000)
    .default(30_000)
    .describe(
      'how long a request waits for a workflow to accept or answer an update (order acceptance, DNS change, wallet payment, top-up); then 503 `workflow_unavailable`',
    ),
  PAYMENT_CALLBACK_ANSWER_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(14_000)
    .default(5_000)
    .describe(
      'how long a gateway callback waits to hand its payment to the workflow engine; then 503 `try_again` and the gateway sends it again (Midtrans gives up on an answer after 15 s, Xendit after 30 s and then never retries)',
    ),
  INVOICE_TTL_HOURS: z.coerce
    .number()
    .positive()
    .default(24)
    .describe('how long an unpaid invoice stays payable'),
  TRANSFER_POLL_SECONDS: z.coerce
    .number()
    .positive()
    .default(3600)
    .describe('interval between transfer status polls'),
  ...PAYMENT_SETTINGS,
  ...WEBHOOK_SETTINGS,
  EXPIRY_REMINDER_DAYS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'use comma-separated whole days, such as 30,14,7,1')
    .default('30,14,7,1')
    .transform((v) => [...new Set(v.split(',').map(Number))].sort((a, b) => b - a))
    .describe('reminder thresholds in days'),
  AUTO_RENEW_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .default(7)
    .describe('auto-renew domains with `auto_renew` this many days before expiry'),
  EXPIRY_SCHEDULE_CRON: z
    .string()
    .default('0 2 * * *')
    .describe('when the expiry reminder schedule runs (UTC)'),
  API_LOG_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('the daily `api-log-retention` schedule deletes API log rows older than this'),
  API_LOG_RETENTION_CRON: z
    .string()
    .default('30 3 * * *')
    .describe('when the `api-log-retention` schedule runs (UTC)'),
  DATA_EXPORT_LINK_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24)
    .describe("how long a reseller's data export can be downloaded before its archive is deleted"),
  ...WORKER_SETTINGS,
  ...HTTP_SETTINGS,
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
  const refused = distinctQueues(config) ?? orderedTimeouts(config);
  if (refused) throw new ConfigError(`invalid configuration:\n  ${refused}`);
  if (config.NODE_ENV === 'production') {
    const left: string[] = DEVELOPMENT_ONLY.filter(
      (name) =>
        JSON.stringify(config[name]) === JSON.stringify(configSchema.shape[name].parse(undefined)) &&
        // The addon's key matters only where there is an addon.
        (!name.startsWith('DNS_ADDON_') || config.DNS_ADDON_URL !== undefined),
    );
    if (holdsDevelopmentKey(parsePayloadKeys(config.PAYLOAD_KEYS) as PayloadKeyring))
      left.push('PAYLOAD_KEYS');
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
  'DNS_ADDON_API_KEY',
  'DNS_ADDON_NAMESERVERS',
  'DNS_ADDON_SOA_CONTACT',
] as const satisfies ReadonlyArray<keyof Config>;

export function allowPrivateWebhookTargets(
  config: Pick<Config, 'NODE_ENV' | 'WEBHOOK_ALLOW_PRIVATE_TARGETS'>,
): boolean {
  return config.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? config.NODE_ENV !== 'production';
}

export function usePrettyLogs(config: Config): boolean {
  return config.LOG_PRETTY ?? (config.NODE_ENV === 'development' && process.stdout.isTTY === true);
}
