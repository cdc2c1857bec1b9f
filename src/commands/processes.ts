import cluster from 'node:cluster';
import { type Command } from 'commander';
import { apiProcesses, runApiPrimary } from '../api/http/cluster';
import { loadConfig } from '../config';
import { createKnex } from '../db/knex';
import { migrateLatest, migrateRollback } from '../db/migrate';
import { databaseUrlFor } from '../db/database-url';
import { runDoctor } from '../doctor';
import { createLogger } from '../logger';
import { startApi } from '../main-api';
import { startWorker } from '../main-worker';
import { createRegistrar } from '../registrar';
import { checkLedger } from '../services/ledger-check';
import { pendingReviews } from '../services/reviews';
import { checkWebhooks, pendingByEndpoint } from '../services/webhook-check';
import { withCore } from './context';

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

/** The processes (api, worker), migrations and the doctor. */
export function registerProcesses(program: Command): void {
  program
    .command('api')
    .description('Run the HTTP API (PORT, default 3000; API_PROCESSES processes).')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config);
      const processes = apiProcesses(config);
      if (processes > 1 && cluster.isPrimary) {
        const primary = runApiPrimary(processes, log);
        onSignals(() => primary.close());
        return;
      }
      const api = await startApi(config, log);
      onSignals(() => api.drain());
    });

  program
    .command('worker')
    .description(
      'Run the Temporal worker on the task queues of the kinds of work given (default WORKER_QUEUES: all three); stops gracefully on SIGTERM.',
    )
    .option(
      '--queues <kinds>',
      'comma-separated kinds of work to poll: provisioning, webhooks, default (e.g. --queues provisioning,webhooks)',
    )
    .action(async (opts: { queues?: string }) => {
      const config = loadConfig(
        opts.queues === undefined ? process.env : { ...process.env, WORKER_QUEUES: opts.queues },
      );
      const log = createLogger(config);
      const worker = await startWorker(config, log);
      onSignals(() => worker.shutdown());
      await worker.done;
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (or undo the last batch with --rollback).')
    .option('--rollback', 'roll back the last batch')
    .action(async (opts: { rollback?: boolean }) => {
      const config = loadConfig();
      const db = createKnex(databaseUrlFor(config), { max: 1 });
      try {
        const names = opts.rollback ? await migrateRollback(db) : await migrateLatest(db);
        const verb = opts.rollback ? 'rolled back' : 'applied';
        console.log(names.length === 0 ? 'nothing to do' : `${verb}: ${names.join(', ')}`);
      } finally {
        await db.destroy();
      }
    });

  program
    .command('doctor')
    .description(
      'Check database, migrations, Temporal, namespace, search attributes and webhook deliveries; non-zero exit on failure.',
    )
    .option('--workflow', 'also run a ping workflow through a running worker')
    .option('--check-registrar', 'also call the registrar (a search) with the configured credentials')
    .option('--check-dynadot', 'the same as --check-registrar (the flag seed 000 names)')
    .option('--ledger', 'also verify the money invariants (balances, holds, debits, paid invoices)')
    .option(
      '--webhooks',
      'fail when the webhook check cannot run (it runs whenever the database and Temporal answer)',
    )
    .action(
      async (opts: {
        workflow?: boolean;
        checkRegistrar?: boolean;
        checkDynadot?: boolean;
        ledger?: boolean;
        webhooks?: boolean;
      }) => {
        const config = loadConfig();
        const checks = await runDoctor(config, { workflow: opts.workflow ?? false });
        const up = (name: string) => checks.some((c) => c.name === name && c.ok);
        const report = (name: string, findings: Array<{ check: string; detail: string }>, clean: string) => {
          checks.push({
            name,
            ok: findings.length === 0,
            detail: findings.length === 0 ? clean : `${findings.length} problem(s)`,
          });
          for (const f of findings) console.log(`      ${f.check}: ${f.detail}`);
        };
        if (opts.ledger) {
          const db = createKnex(databaseUrlFor(config), { max: 1 });
          try {
            report('ledger', await checkLedger(db), 'all invariants hold');
            // Resolved reviews are clean; what still waits for a decision is listed, not failed.
            const waiting = await pendingReviews(db);
            checks.push({
              name: 'review queue',
              ok: true,
              warn: waiting.length > 0,
              detail:
                waiting.length === 0
                  ? 'nothing waits for review'
                  : `${waiting.length} item(s) wait for review`,
            });
            for (const w of waiting) console.log(`      ${w.check}: ${w.detail}`);
          } finally {
            await db.destroy();
          }
        }
        if (up('database') && up('namespace')) {
          await withCore(async ({ db, temporal }) =>
            report(
              'webhooks',
              await checkWebhooks(db, temporal, {
                graceSeconds: config.WEBHOOK_SWEEP_GRACE_SECONDS * 5,
                endpointMaxInFlight: config.WEBHOOK_ENDPOINT_MAX_IN_FLIGHT,
              }),
              'every event has its jobs, every pending job a running delivery',
            ),
          );
          // How far behind each receiver is (information: a dead receiver's backlog is not a fault here).
          const behind = await withCore(({ db }) => pendingByEndpoint(db));
          for (const b of behind)
            console.log(
              `      endpoint ${b.endpointId} (${b.host}, reseller ${b.resellerId}): ${b.pending} pending, ${b.started} started, the oldest since ${b.oldest.toISOString()}`,
            );
          checks.push({
            name: 'webhook backlog',
            ok: true,
            detail:
              behind.length === 0
                ? 'nothing pending'
                : `${behind.length} endpoint(s) with deliveries pending (listed above, oldest first)`,
          });
        } else if (opts.webhooks) {
          checks.push({
            name: 'webhooks',
            ok: false,
            detail: 'not checked: database or Temporal unavailable',
          });
        }
        if (opts.checkRegistrar || opts.checkDynadot) {
          const registrar = createRegistrar(config);
          try {
            const [res] = await registrar.search(['domain-reseller-doctor-check.com']);
            checks.push({
              name: 'registrar',
              ok: true,
              detail: `answered (available: ${String(res?.available)})`,
            });
          } catch (err) {
            checks.push({
              name: 'registrar',
              ok: false,
              detail: err instanceof Error ? err.message : String(err),
            });
          }
        }
        for (const c of checks)
          console.log(`${c.ok ? (c.warn ? 'warn' : 'ok  ') : 'FAIL'}  ${c.name.padEnd(18)} ${c.detail}`);
        const failed = checks.filter((c) => !c.ok).length;
        console.log(failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
        if (failed > 0) process.exitCode = 1;
      },
    );
}
