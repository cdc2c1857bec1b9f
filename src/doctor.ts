import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';
import { createKnex } from './db/knex';
import { pendingMigrations } from './db/migrate';
import { databaseUrlFor } from './db/database-url';
import { missingSearchAttributes } from './temporal/search-attributes';
import type { pingWorkflow } from '../workflows';
import { pingWorkflowId } from '../workflows/contracts';
import { queueBacklogs } from './temporal/queue-stats';
import { queueFor, taskQueues } from './temporal/queues';
import { dataConverterOf } from './temporal/data-converter';
import { readable } from '../workflows/payload-converter';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Worth an operator's attention, but nothing is broken (printed `warn`, exit 0). */
  warn?: boolean;
}

function message(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}

/**
 * Checks what the product needs to run: database, migrations, Temporal, namespace, search
 * attributes, and (with `workflow`) a round trip through a running worker.
 */
export async function runDoctor(config: Config, opts: { workflow?: boolean } = {}): Promise<Check[]> {
  const checks: Check[] = [];
  const db = createKnex(databaseUrlFor(config), { max: 1 });
  try {
    await db.raw('SELECT 1');
    checks.push({ name: 'database', ok: true, detail: 'connected' });
    try {
      const pending = await pendingMigrations(db);
      checks.push({
        name: 'migrations',
        ok: pending.length === 0,
        detail:
          pending.length === 0
            ? 'all applied'
            : `pending: ${pending.join(', ')} (run: npm run cli -- migrate)`,
      });
    } catch (err) {
      checks.push({ name: 'migrations', ok: false, detail: message(err) });
    }
    try {
      const [row] = await db('catalogPrices')
        .where({ active: true })
        .count<{ count: string }[]>('id as count');
      const prices = Number(row?.count ?? 0);
      checks.push({
        name: 'catalog',
        ok: true,
        warn: prices === 0,
        detail:
          prices === 0
            ? 'no active prices: every check, register and renew answers 422 (set some: npm run cli -- catalog:import-registrar --margin 20% --currency USD)'
            : `${prices} active prices`,
      });
    } catch {
      // The migrations check above says why the table cannot be read.
    }
  } catch (err) {
    checks.push({ name: 'database', ok: false, detail: message(err) });
  } finally {
    await db.destroy();
  }

  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 3000 });
    checks.push({ name: 'temporal', ok: true, detail: config.TEMPORAL_ADDRESS });
  } catch (err) {
    checks.push({ name: 'temporal', ok: false, detail: `${config.TEMPORAL_ADDRESS}: ${message(err)}` });
  }
  if (connection) {
    try {
      try {
        await connection.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE });
        checks.push({ name: 'namespace', ok: true, detail: config.TEMPORAL_NAMESPACE });
        const missing = await missingSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
        checks.push({
          name: 'search attributes',
          ok: missing.length === 0,
          detail: missing.length === 0 ? 'registered' : `missing: ${missing.join(', ')}`,
        });
        const backlogs = await queueBacklogs(connection, config.TEMPORAL_NAMESPACE, taskQueues(config)).catch(
          (err: unknown) => {
            checks.push({
              name: 'task queues',
              ok: true,
              warn: true,
              detail: `not described: ${message(err)}`,
            });
            return [];
          },
        );
        for (const q of backlogs) {
          checks.push({
            name: `queue ${q.taskQueue} (${q.type})`,
            ok: true,
            // Work of that kind waits for a worker that is not there.
            warn: q.pollers === 0,
            detail:
              `${q.backlog} task(s) waiting` +
              (q.backlog > 0 ? `, the oldest for ${Math.round(q.oldestSeconds)} s` : '') +
              `; ${q.pollers === 0 ? 'no worker polls it (run a worker with --queues ' + q.kind + ')' : `${q.pollers} poller(s): ${q.identities.join(', ')}`}`,
          });
        }
      } catch (err) {
        checks.push({
          name: 'namespace',
          ok: false,
          detail: `${config.TEMPORAL_NAMESPACE}: ${message(err)}`,
        });
      }
      if (opts.workflow) {
        try {
          const client = new Client({
            connection,
            namespace: config.TEMPORAL_NAMESPACE,
            dataConverter: dataConverterOf(config),
          });
          const result = await client.workflow.execute<typeof pingWorkflow>('pingWorkflow', {
            taskQueue: queueFor(config, 'pingWorkflow'),
            workflowId: pingWorkflowId(`doctor-${randomUUID()}`),
            args: [{ message: 'doctor' }],
            staticSummary: readable('doctor: worker round trip (API → Temporal → worker → Postgres)'),
            workflowExecutionTimeout: '20 seconds',
          });
          checks.push({ name: 'worker round trip', ok: true, detail: `ok (${JSON.stringify(result)})` });
        } catch (err) {
          checks.push({
            name: 'worker round trip',
            ok: false,
            detail: `no worker answered: ${message(err)}`,
          });
        }
      }
    } finally {
      await connection.close();
    }
  }
  return checks;
}
