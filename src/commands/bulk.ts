import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import type { Knex } from 'knex';
import { Reseller } from '../db/models';
import { cliActor } from '../services/audit';
import { controlBulkJob } from '../services/bulk-control';
import { bulkOptionsSchema, itemsFromCsv } from '../services/bulk-items';
import {
  type BulkJobRow,
  confirmBulkJob,
  findBulkJob,
  listBulkJobs,
  submitBulkJob,
} from '../services/bulk-jobs';
import { bulkJobState, bulkResultsCsv } from '../services/bulk-progress';
import { notFound, validationFailed } from '../services/errors';
import { presentBulkJob } from '../views/bulk-jobs';
import { BULK_ACTIONS } from '../../workflows/contracts';
import { collect, jsonOption, positiveInt, printRecord, printRows, withCore, withDb } from './context';

const BASE = '/api/v1/bulk-jobs';
const ENDED = new Set(['completed', 'cancelled', 'discarded']);

async function present(db: Knex, job: BulkJobRow) {
  return presentBulkJob(job, await bulkJobState(db, job, 50), BASE);
}

/** One job as lines: counts, money, the rate and ETA, and the preflight's refusals. */
async function printJob(db: Knex, job: BulkJobRow, json?: boolean): Promise<void> {
  const v = await present(db, job);
  if (json) return printRecord(v, { json });
  printRecord({
    job: v.id,
    action: v.action,
    status: v.status,
    items: `${v.items.total} (${v.items.invalid} invalid)`,
    succeeded: v.items.succeeded,
    failed: v.items.failed,
    running: v.items.running,
    pending: v.items.pending,
    cancelled: v.items.cancelled,
    total_price: `${v.total_price.amount} ${v.total_price.currency}${v.wallet_covers ? '' : ' (the wallet does not cover it)'}`,
    charged: `${v.charged.amount} ${v.charged.currency}`,
    eta: v.progress.eta_seconds === null ? '' : `${v.progress.eta_seconds} s`,
  });
  for (const e of v.errors) console.log(`line ${e.line}: ${e.domain} — ${e.code}: ${e.message}`);
}

/** A line of progress for a log (not a terminal). */
const progressLine = (v: Awaited<ReturnType<typeof present>>) =>
  `${new Date().toISOString()} ${v.id} ${v.status} ${v.progress.finished}/${v.progress.of} (${v.progress.percent}%) succeeded=${v.items.succeeded} failed=${v.items.failed} running=${v.items.running}${v.progress.eta_seconds !== null ? ` eta=${v.progress.eta_seconds}s` : ''}`;

/** Follows a job until it ends: a progress bar on a terminal, a line per change otherwise. */
async function follow(db: Knex, job: BulkJobRow, intervalMs: number): Promise<BulkJobRow> {
  const tty = process.stdout.isTTY === true;
  let v = await present(db, job);
  const bar = tty
    ? new SingleBar({
        format:
          ' {bar} {percentage}% | {value}/{total} | ok {ok} failed {failed} | {status} | ETA {eta_text}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
      })
    : null;
  const fields = () => ({
    ok: v.items.succeeded,
    failed: v.items.failed,
    status: v.status,
    eta_text: v.progress.eta_seconds === null ? '–' : `${v.progress.eta_seconds}s`,
  });
  bar?.start(v.progress.of, v.progress.finished, fields());
  let said = '';
  for (;;) {
    const line = progressLine(v);
    if (bar) bar.update(v.progress.finished, fields());
    else if (line.slice(25) !== said) console.log(line);
    said = line.slice(25);
    if (ENDED.has(job.status)) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    job = await findBulkJob(db, null, job.publicId);
    v = await present(db, job);
  }
  bar?.stop();
  return job;
}

const actionOption = new Option('--action <action>', 'what to do to each domain')
  .choices(BULK_ACTIONS)
  .makeOptionMandatory();

/** Bulk jobs from the shell: submit a CSV (preflight, then confirm), follow, pause, resume, cancel, results. */
export function registerBulk(program: Command): void {
  jsonOption(
    program
      .command('bulk:submit <file>')
      .description(
        'Checks and prices a CSV of domains for one action (header row: domain, years, auth_code, nameservers, registrant_contact_id, …); runs it with --yes.',
      )
      .requiredOption('--reseller <id>', 'reseller id', positiveInt('--reseller'))
      .addOption(actionOption)
      .option('--years <n>', 'years, for items that name none', positiveInt('--years'))
      .option('--nameservers <hosts>', 'nameservers for every item (comma-separated)', collect, [])
      .option('--registrant-contact <con_…>', 'the registrant handle for every registration')
      .option('--auth-code <code>', 'the auth code for every transfer (usually per row)')
      .option('--enabled <flag>', 'auto_renew: true or false')
      .option('--locked <flag>', 'lock: true or false')
      .option('--privacy <level>', 'privacy: full, partial or off')
      .option('--concurrency <n>', 'items in flight at once', positiveInt('--concurrency'))
      .option('--skip-invalid', 'run the valid items, leave out the invalid ones')
      .option('--yes', 'confirm at once: the job runs'),
  ).action(async (file: string, opts: Record<string, unknown> & { reseller: number; action: string }) => {
    const parsed = bulkOptionsSchema.safeParse({
      years: opts['years'],
      nameservers: (opts['nameservers'] as string[]).length ? opts['nameservers'] : undefined,
      registrant_contact_id: opts['registrantContact'],
      auth_code: opts['authCode'],
      enabled: opts['enabled'],
      locked: opts['locked'],
      privacy: opts['privacy'],
    });
    if (!parsed.success)
      throw validationFailed(
        Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), [i.message]])),
      );
    const items = itemsFromCsv(await readFile(file, 'utf8'));
    await withCore(async (deps) => {
      const reseller = await Reseller.query(deps.db).findById(opts.reseller);
      if (!reseller) throw notFound(`No reseller ${opts.reseller}.`, 'reseller_not_found');
      let job = await submitBulkJob(deps, reseller, {
        action: opts.action as (typeof BULK_ACTIONS)[number],
        options: parsed.data,
        items,
        concurrency: opts['concurrency'] as number | undefined,
        createdBy: cliActor(),
      });
      if (opts['yes'])
        job = await confirmBulkJob(deps, reseller, job.publicId, {
          skipInvalid: opts['skipInvalid'] === true,
        });
      await printJob(deps.db, job, opts['json'] === true);
      if (!opts['yes'] && !opts['json'])
        console.log(
          `\nNothing runs yet: npm run cli -- bulk:confirm ${job.publicId} --reseller ${reseller.id}`,
        );
    });
  });

  program
    .command('bulk:confirm <job>')
    .description('Runs a job checked by bulk:submit.')
    .requiredOption('--reseller <id>', 'reseller id', positiveInt('--reseller'))
    .option('--skip-invalid', 'run the valid items, leave out the invalid ones')
    .action(async (id: string, opts: { reseller: number; skipInvalid?: boolean }) => {
      await withCore(async (deps) => {
        const reseller = await Reseller.query(deps.db).findById(opts.reseller);
        if (!reseller) throw notFound(`No reseller ${opts.reseller}.`, 'reseller_not_found');
        await printJob(
          deps.db,
          await confirmBulkJob(deps, reseller, id, { skipInvalid: opts.skipInvalid === true }),
        );
      });
    });

  jsonOption(
    program
      .command('bulk:status <job>')
      .description(
        'Where a job stands; --follow shows it until it ends (a progress bar on a terminal, lines otherwise).',
      )
      .option('--follow', 'follow until the job ends')
      .option('--interval <ms>', 'how often --follow reads', positiveInt('--interval'), 1000),
  ).action(async (id: string, opts: { follow?: boolean; interval: number; json?: boolean }) => {
    await withDb(async (db) => {
      let job = await findBulkJob(db, null, id);
      if (opts.follow) job = await follow(db, job, opts.interval);
      await printJob(db, job, opts.json);
    });
  });

  for (const what of ['pause', 'resume', 'cancel'] as const)
    program
      .command(`bulk:${what} <job>`)
      .description(
        {
          pause: 'Pauses a job: the items in flight finish, no other starts.',
          resume: 'Resumes a paused job.',
          cancel: 'Cancels a job: the items in flight finish, the others never run.',
        }[what],
      )
      .action(async (id: string) => {
        await withCore(async (deps) => printJob(deps.db, await controlBulkJob(deps, null, id, what)));
      });

  jsonOption(
    program
      .command('bulk:list')
      .description('Bulk jobs, newest first, with their resellers and progress.')
      .option('--reseller <id>', 'one reseller', positiveInt('--reseller')),
  ).action(async (opts: { reseller?: number; json?: boolean }) => {
    await withDb(async (db) => {
      const rows = await listBulkJobs(db, opts.reseller ? { resellerId: opts.reseller } : {});
      const shown = await Promise.all(
        rows.map(async (r) => {
          const v = await present(db, r);
          return {
            job: v.id,
            reseller: `${r.resellerName} (#${r.resellerId})`,
            action: v.action,
            status: v.status,
            progress: `${v.progress.finished}/${v.progress.of}`,
            failed: v.items.failed,
            created: v.created_at,
          };
        }),
      );
      printRows(shown, { json: opts.json, empty: '(no bulk jobs)' });
    });
  });

  program
    .command('bulk:results <job>')
    .description("A job's per-item results as CSV (line, domain, status, order, price, error).")
    .action(async (id: string) => {
      await withDb(async (db) => {
        process.stdout.write(await bulkResultsCsv(db, await findBulkJob(db, null, id)));
      });
    });
}
