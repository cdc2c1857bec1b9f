import pino, { type Logger } from 'pino';
import type { Config } from './config';
import { usePrettyLogs } from './config';

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-callback-token"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.api_key',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>): Logger {
  const pretty = usePrettyLogs(config as Config);
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
