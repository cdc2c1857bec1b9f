import { z } from 'zod';
import { bool } from './fields';

/** Webhook delivery: each attempt's timeout, the backoff and horizon, the relay's and sweep's pace, private targets (part of the schema in index.ts). */
export const WEBHOOK_SETTINGS = {
  WEBHOOK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('timeout of one webhook delivery attempt'),
  WEBHOOK_BACKOFF_BASE_SECONDS: z.coerce
    .number()
    .positive()
    .default(60)
    .describe('first retry delay (doubles per attempt, capped at 6 h, ±20 % jitter)'),
  WEBHOOK_RETRY_HORIZON_HOURS: z.coerce
    .number()
    .positive()
    .default(72)
    .describe('how long a delivery keeps being retried'),
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(1_000)
    .describe('how often the worker relays new events from the outbox'),
  WEBHOOK_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('how often the relay looks for pending deliveries with no running workflow'),
  WEBHOOK_SWEEP_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(60)
    .describe(
      'a pending delivery younger than this (or checked more recently) is left to its workflow; `doctor` reports one stranded for 5× this',
    ),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool
    .optional()
    .describe('allow private/loopback webhook URLs and plain http'),
};
