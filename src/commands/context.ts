import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import Table from 'cli-table3';
import type { Knex } from 'knex';
import { type Config, loadConfig } from '../config';
import { createKnex } from '../db/knex';
import { databaseUrlFor } from '../db/database-url';
import { createLogger } from '../logger';
import { createGateways } from '../payments';
import { createRegistrar } from '../registrar';
import { SecretBox } from '../secrets';
import type { CoreDeps } from '../services/deps';
import { createDnsAddon } from '../hosted-dns/addon';
import { dataConverterOf } from '../temporal/data-converter';

/* What every operator command shares: its connections, its output, its argument parsers. */

/** Runs `fn` with a database connection, closed afterwards. */
export async function withDb<T>(fn: (db: Knex, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createKnex(databaseUrlFor(config), { max: 2 });
  try {
    return await fn(db, config);
  } finally {
    await db.destroy();
  }
}

/** Runs `fn` with the core's dependencies (database, Temporal, registrar, gateways), closed afterwards. */
export async function withCore<T>(fn: (deps: CoreDeps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createKnex(databaseUrlFor(config), { max: 2 });
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: 5000,
  }).catch(async (err: unknown) => {
    await db.destroy();
    throw err;
  });
  try {
    return await fn({
      config,
      db,
      temporal: new Client({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        dataConverter: dataConverterOf(config),
      }),
      log: createLogger(config),
      registrar: createRegistrar(config),
      secrets: new SecretBox(config.SECRETS_KEY),
      gateways: createGateways(config),
      dnsAddon: createDnsAddon(config),
    });
  } finally {
    await connection.close();
    await db.destroy();
  }
}

export type Cell = string | number | boolean | null | undefined | Date;

/** Prints rows as a table, or as JSON with `--json` (for scripts). */
export function printRows(
  rows: ReadonlyArray<Record<string, Cell>>,
  opts: { json?: boolean | undefined; empty?: string } = {},
): void {
  if (opts.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log(opts.empty ?? '(none)');
    return;
  }
  const head = Object.keys(rows[0]!);
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(head.map((k) => cell(row[k])));
  console.log(table.toString());
}

/** Prints one record as key/value lines, or as JSON with `--json`. */
export function printRecord(
  record: Record<string, unknown>,
  opts: { json?: boolean | undefined } = {},
): void {
  if (opts.json) {
    console.log(JSON.stringify(record, null, 2));
    return;
  }
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [k, v] of Object.entries(record)) console.log(`${k.padEnd(width)}  ${cell(v as Cell)}`);
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
}

export const jsonOption = (cmd: Command): Command => cmd.option('--json', 'print JSON instead of a table');

/** Repeatable or comma-separated values. */
export function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

export function isoDate(name: string) {
  return (value: string): Date => {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`${name} takes a date such as 2026-12-01`);
    return d;
  };
}
