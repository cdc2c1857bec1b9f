import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatMinor } from '../money';
import { adjustWallet } from '../services/adjustments';
import { cliActor } from '../services/audit';
import { walletStatement, walletStatementCsv } from '../services/statements';
import { isoDate, jsonOption, positiveInt, printRecord, printRows, withDb } from './context';

/** Manual wallet adjustments and statements. */
export function registerWallet(program: Command): void {
  for (const direction of ['credit', 'debit'] as const) {
    program
      .command(`wallet:${direction}`)
      .description(
        direction === 'credit'
          ? 'Credit a wallet by hand (a bank transfer, goodwill): ledger kind adjustment, once per --key.'
          : 'Debit a wallet by hand: never below zero; once per --key.',
      )
      .requiredOption('--reseller <id>', 'reseller id', positiveInt('--reseller'))
      .requiredOption('--amount <decimal>', 'in the reseller’s currency, such as 250.00')
      .requiredOption('--reason <text>', 'why (kept on the entry and in the audit trail)')
      .requiredOption('--key <idempotency-key>', 'a key of your own: the same key never moves money twice')
      .action(async (opts: { reseller: number; amount: string; reason: string; key: string }) => {
        await withDb(async (db) => {
          const { entry, created } = await adjustWallet(db, cliActor(), opts.reseller, {
            direction,
            amount: opts.amount,
            reason: opts.reason,
            idempotencyKey: opts.key,
          });
          const currency = entry.currency.trim();
          console.log(
            `${created ? 'posted' : 'already posted under this key'}: entry #${entry.id} ${formatMinor(BigInt(entry.amountMinor), currency)} ${currency}`,
          );
        });
      });
  }

  jsonOption(
    program
      .command('wallet:statement')
      .description(
        'A wallet statement for a period: opening and closing balance, posted entries, pending holds.',
      )
      .requiredOption('--reseller <id>', 'reseller id', positiveInt('--reseller'))
      .option('--from <date>', 'period start (ISO date or time)', isoDate('--from'))
      .option('--until <date>', 'period end, exclusive', isoDate('--until'))
      .option('--csv <file>', 'write the whole period as CSV instead'),
  ).action(async (opts: { reseller: number; from?: Date; until?: Date; csv?: string; json?: boolean }) => {
    await withDb(async (db) => {
      if (opts.csv) {
        await writeFile(opts.csv, await walletStatementCsv(db, opts.reseller, opts));
        console.log(`wrote ${opts.csv}`);
        return;
      }
      const s = await walletStatement(db, opts.reseller, { ...opts, limit: 1000 });
      const money = (v: bigint | string) => formatMinor(BigInt(v), s.currency);
      const summary = {
        currency: s.currency,
        from: s.from,
        until: s.until,
        opening: money(s.opening),
        closing: money(s.closing),
      };
      const lines = s.lines.map((l) => ({
        posted_at: l.entry.postedAt,
        entry: l.entry.id,
        kind: l.entry.kind,
        description: l.entry.description,
        order: l.orderPublicId,
        amount: money(l.entry.amountMinor),
        balance: money(l.balanceAfter),
      }));
      const holds = s.holds.map((h) => ({
        entry: h.entry.id,
        order: h.orderPublicId,
        amount: money(h.entry.amountMinor),
      }));
      if (opts.json) {
        // One JSON document, so that `JSON.parse` of the whole output works.
        printRecord({ ...summary, entries: lines, pending_holds: holds, complete: !s.nextCursor }, opts);
        return;
      }
      printRecord(summary);
      printRows(lines, { empty: '(no entries in the period)' });
      if (holds.length > 0) {
        console.log('pending holds:');
        printRows(holds);
      }
      if (s.nextCursor) console.log('(more than 1000 entries: use --csv for the whole period)');
    });
  });
}
