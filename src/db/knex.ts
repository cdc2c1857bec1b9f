import knexFactory, { type Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';
import pg from 'pg';

export type { Knex };

// int8 (bigint) stays a string from the driver: money is converted to BigInt where it is used,
// never to a float. COUNT(*) and bigserial ids are parsed where needed.

export function createKnex(connectionString: string, pool: { min?: number; max?: number } = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'domain-reseller' },
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    // Connection errors surface as rejected queries (and our logs); knex need not print them too.
    log: {
      warn: () => undefined,
      error: () => undefined,
      deprecate: () => undefined,
      debug: () => undefined,
    },
    // snake_case in Postgres, camelCase in TypeScript (objection's recipe).
    ...knexSnakeCaseMappers(),
  });
}

/**
 * Runs one prepared statement (`$1`-style text, prepared once per connection under `name`) on a
 * connection of the knex pool, without knex's query building: for the API's hottest reads.
 */
export async function preparedQuery<Row>(
  db: Knex,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  // knex's Client declares its pool methods as `any`.
  const client = db.client as {
    acquireConnection(): Promise<pg.ClientBase>;
    releaseConnection(connection: pg.ClientBase): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    return (await connection.query<Row & pg.QueryResultRow>({ name, text, values })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}

/** The connection string a Knex made by `createKnex` connects with (for a connection of its own). */
export function connectionStringOf(db: Knex): string | undefined {
  const connection = (db.client as { config?: Knex.Config }).config?.connection;
  return typeof connection === 'object' && connection !== null && 'connectionString' in connection
    ? (connection as { connectionString?: string }).connectionString
    : typeof connection === 'string'
      ? connection
      : undefined;
}

/** True when a Postgres server answers at the URL (any database error other than refusal counts as up). */
export async function pingPostgres(connectionString: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

export function databaseName(connectionString: string): string {
  const name = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, ''));
  if (!name) throw new Error('the database URL names no database');
  return name;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the database named in the URL when it does not exist yet (connects to `postgres`). */
export async function ensureDatabase(connectionString: string): Promise<void> {
  const name = databaseName(connectionString);
  const admin = new pg.Client({ connectionString: withDatabase(connectionString, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(connectionString: string): Promise<void> {
  const name = databaseName(connectionString);
  const admin = new pg.Client({ connectionString: withDatabase(connectionString, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
