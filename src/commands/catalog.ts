import { readFile, writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { formatMinor } from '../money';
import { cliActor } from '../services/audit';
import {
  deletePrice,
  importRegistrarPrices,
  listPrices,
  type PriceChange,
  setPrices,
} from '../services/catalog-admin';
import { exportPricesCsv, parsePricesCsv } from '../services/catalog-csv';
import { amountField } from '../services/amounts';
import { formatMarkup, listTiers, parseMarkup, setTier } from '../services/markup-tiers';
import type { OrderAction } from '../../workflows/contracts';
import { collect, jsonOption, printRows, withCore, withDb } from './context';

function action(value: string): OrderAction {
  if (!['register', 'renew', 'transfer'].includes(value))
    throw new InvalidArgumentError('the action is register, renew or transfer');
  return value as OrderAction;
}

/** Prints a price diff and a one-line summary. */
function printChanges(
  changes: PriceChange[],
  opts: { json?: boolean | undefined; dryRun?: boolean | undefined },
): void {
  const rows = changes.map((c) => ({
    change: c.change,
    tld: c.tld,
    action: c.action,
    currency: c.currency,
    before: c.before?.price ?? '',
    after: c.after.price,
    active: c.after.active,
  }));
  printRows(opts.json ? rows : rows.filter((r) => r.change !== 'unchanged'), {
    json: opts.json,
    empty: '(no changes)',
  });
  if (opts.json) return;
  const count = (k: PriceChange['change']) => changes.filter((c) => c.change === k).length;
  console.log(
    `${opts.dryRun ? 'would add' : 'added'} ${count('added')}, ${opts.dryRun ? 'would change' : 'changed'} ${count('changed')}, unchanged ${count('unchanged')}${opts.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
}

/** Prices (TLD × action × currency) and markup tiers. */
export function registerCatalog(program: Command): void {
  jsonOption(
    program
      .command('catalog:list')
      .description('List catalog prices (per year, before any reseller markup).')
      .option('--tld <tld>')
      .option('--currency <code>')
      .option('--action <action>', 'register, renew or transfer', action),
  ).action(async (opts: { tld?: string; currency?: string; action?: OrderAction; json?: boolean }) => {
    await withDb(async (db) => {
      const rows = await listPrices(db, opts);
      printRows(
        rows.map((r) => ({
          tld: r.tld,
          action: r.action,
          currency: r.currency.trim(),
          price: formatMinor(BigInt(r.priceMinor), r.currency.trim()),
          active: r.active,
          years: `${r.minYears}-${r.maxYears}`,
        })),
        {
          json: opts.json,
          empty: '(no prices: every check, register and renew answers 422 until some are set)',
        },
      );
    });
  });

  program
    .command('catalog:set')
    .description('Set one price (per year): for each --action given (default all three).')
    .requiredOption('--tld <tld>')
    .requiredOption('--currency <code>')
    .requiredOption('--price <decimal>', 'per year, such as 12.99')
    .option('--action <action>', 'register, renew or transfer (repeatable)', collect, [])
    .option('--inactive', 'keep the price but stop selling it')
    .option('--dry-run', 'show what would change; write nothing')
    .action(
      async (opts: {
        tld: string;
        currency: string;
        price: string;
        action: string[];
        inactive?: boolean;
        dryRun?: boolean;
      }) => {
        const actions = (opts.action.length > 0 ? opts.action : ['register', 'renew', 'transfer']).map(
          action,
        );
        const currency = opts.currency.toUpperCase();
        await withDb(async (db) => {
          const changes = await setPrices(
            db,
            cliActor(),
            actions.map((a) => ({
              tld: opts.tld,
              action: a,
              currency,
              priceMinor: amountField(opts.price, currency, 'price'),
              active: !opts.inactive,
            })),
            { dryRun: opts.dryRun ?? false, source: 'catalog:set' },
          );
          printChanges(changes, { dryRun: opts.dryRun });
        });
      },
    );

  program
    .command('catalog:delete')
    .description('Delete one price.')
    .requiredOption('--tld <tld>')
    .requiredOption('--currency <code>')
    .requiredOption('--action <action>', 'register, renew or transfer', action)
    .action(async (opts: { tld: string; currency: string; action: OrderAction }) => {
      await withDb(async (db) => {
        await deletePrice(db, cliActor(), opts);
        console.log(`deleted .${opts.tld} ${opts.action} ${opts.currency.toUpperCase()}`);
      });
    });

  jsonOption(
    program
      .command('catalog:import')
      .description(
        'Set prices from a CSV file (columns tld,action,currency,price[,active,min_years,max_years]).',
      )
      .argument('<file>', 'the CSV file (- for standard input)')
      .option('--dry-run', 'show the diff; write nothing'),
  ).action(async (file: string, opts: { dryRun?: boolean; json?: boolean }) => {
    const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    await withDb(async (db) => {
      const changes = await setPrices(db, cliActor(), parsePricesCsv(text), {
        dryRun: opts.dryRun ?? false,
        source: `csv import ${file}`,
      });
      printChanges(changes, opts);
    });
  });

  program
    .command('catalog:export')
    .description('Write the catalog as CSV (to a file, or standard output).')
    .option('--out <file>', 'the file to write')
    .option('--currency <code>')
    .action(async (opts: { out?: string; currency?: string }) => {
      await withDb(async (db) => {
        const csv = await exportPricesCsv(db, { currency: opts.currency });
        if (opts.out) {
          await writeFile(opts.out, csv);
          console.log(`wrote ${opts.out}`);
        } else process.stdout.write(csv);
      });
    });

  jsonOption(
    program
      .command('catalog:import-registrar')
      .description(
        "Set prices from the registrar's price list (Dynadot tld_price) plus a margin, rounded up.",
      )
      .requiredOption('--margin <percent>', 'added to the registrar’s price, such as 20%', (v: string) =>
        parseMarkup(v, 'margin'),
      )
      .requiredOption('--currency <code>', 'the currency to price in')
      .option(
        '--tld <list>',
        'only these TLDs (comma-separated); default: every one the registrar lists',
        collect,
        [],
      )
      .option('--dry-run', 'show the diff; write nothing'),
  ).action(
    async (opts: { margin: number; currency: string; tld: string[]; dryRun?: boolean; json?: boolean }) => {
      await withCore(async (deps) => {
        const { changes, missing } = await importRegistrarPrices(deps, cliActor(), {
          marginBps: opts.margin,
          currency: opts.currency,
          tlds: opts.tld,
          dryRun: opts.dryRun ?? false,
        });
        printChanges(changes, opts);
        // With --json, standard output stays one JSON document.
        if (missing.length > 0)
          (opts.json ? console.error : console.log)(`not listed by the registrar: ${missing.join(', ')}`);
      });
    },
  );

  jsonOption(
    program.command('tier:list').description('List markup tiers and how many resellers are on each.'),
  ).action(async (opts: { json?: boolean }) => {
    await withDb(async (db) => {
      printRows(
        (await listTiers(db)).map((t) => ({
          name: t.name,
          markup: formatMarkup(t.markupBps),
          resellers: t.resellers,
        })),
        { json: opts.json },
      );
    });
  });

  program
    .command('tier:set')
    .description('Create or change a markup tier; every reseller on it follows.')
    .requiredOption('--name <name>')
    .requiredOption('--markup <percent>', 'such as 15%', (v: string) => parseMarkup(v))
    .action(async (opts: { name: string; markup: number }) => {
      await withDb(async (db) => {
        const tier = await setTier(db, cliActor(), opts.name, opts.markup);
        console.log(`tier ${tier.name}: ${formatMarkup(tier.markupBps)}`);
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
