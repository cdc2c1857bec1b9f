import type { Config } from '../config';

export const DEV_DATABASE_NAME = 'domain_reseller_dev';

/** DATABASE_URL, or outside production the local development database. */
export function databaseUrlFor(config: Config): string {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  if (config.NODE_ENV === 'production') throw new Error('DATABASE_URL is required in production');
  return `postgres://postgres@127.0.0.1:5432/${DEV_DATABASE_NAME}`;
}
