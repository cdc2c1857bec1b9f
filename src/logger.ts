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

/**
 * The process logger: JSON lines on stdout (pretty in a development terminal), secrets redacted.
 * `destination` replaces stdout (tests capture what would be printed).
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>,
  destination?: pino.DestinationStream,
): Logger {
  const pretty = !destination && usePrettyLogs(config as Config);
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
