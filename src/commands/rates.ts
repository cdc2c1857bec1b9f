import type { Command } from 'commander';
import { cliActor } from '../services/audit';
import { listPremiumPolicies, listRates, setPremiumPolicy, setRate } from '../services/exchange-rates';
import { marginRange, marginReport } from '../services/margins';
import { formatMarkup, parseMarkup } from '../services/markup-tiers';
import { jsonOption, printRecord, printRows, withDb } from './context';
import { loadConfig } from '../config';

/** The registrar's currency against the resellers': exchange rates, premium-name policy, margins. */
export function registerRates(program: Command): void {
  jsonOption(
    program.command('rates:list').description('List exchange rates from the registrar account currency.'),
  ).action(async (opts: { json?: boolean }) => {
    await withDb(async (db) => {
      printRows(
        (await listRates(db)).map((r) => ({
          from: r.from,
          to: r.to,
          rate: r.rate,
          set_by: r.setBy,
          set_at: r.setAt.toISOString(),
        })),
        { json: opts.json, empty: '(no rates: set one with rates:set)' },
      );
    });
  });

  jsonOption(
    program
      .command('rates:set')
      .description(
        'Set how many units of a reseller currency one unit of the registrar currency buys (audited).',
      )
      .requiredOption('--to <currency>', 'the reseller currency, such as IDR')
      .requiredOption('--rate <decimal>', 'units of --to per unit of the registrar currency, such as 16250')
      .option('--from <currency>', 'the registrar account currency (default REGISTRAR_CURRENCY)'),
  ).action(async (opts: { to: string; rate: string; from?: string; json?: boolean }) => {
    await withDb(async (db, config) => {
      const r = await setRate(db, cliActor(), {
        from: opts.from ?? config.REGISTRAR_CURRENCY,
        to: opts.to,
        rate: opts.rate,
      });
      printRecord({ from: r.from, to: r.to, rate: r.rate, set_at: r.setAt.toISOString() }, opts);
    });
  });

  jsonOption(
    program
      .command('catalog:premium')
      .description(
        'Sell or refuse premium names of a TLD, and the margin on their registrar price (audited).',
      )
      .requiredOption('--tld <tld>')
      .option('--allow', 'sell them (the default)')
      .option('--refuse', 'refuse them')
      .option('--margin <percent>', 'on the registrar price, such as 25%', (v: string) =>
        parseMarkup(v, 'margin'),
      ),
  ).action(
    async (opts: { tld: string; allow?: boolean; refuse?: boolean; margin?: number; json?: boolean }) => {
      await withDb(async (db) => {
        const config = loadConfig();
        const p = await setPremiumPolicy(db, cliActor(), {
          tld: opts.tld,
          allowed: !opts.refuse,
          marginBps: opts.margin ?? config.PREMIUM_MARGIN_BPS,
        });
        printRecord(
          { tld: p.tld, premium: p.allowed ? 'sold' : 'refused', margin: formatMarkup(p.marginBps) },
          opts,
        );
      });
    },
  );

  jsonOption(
    program.command('catalog:premium-list').description('List premium-name policies per TLD.'),
  ).action(async (opts: { json?: boolean }) => {
    await withDb(async (db, config) => {
      const rows = (await listPremiumPolicies(db)).map((p) => ({
        tld: p.tld,
        premium: p.allowed ? 'sold' : 'refused',
        margin: formatMarkup(p.marginBps),
      }));
      printRows(rows, {
        json: opts.json,
        empty: `(none: every TLD ${config.PREMIUM_NAMES === 'allow' ? 'sells' : 'refuses'} premium names, margin ${formatMarkup(config.PREMIUM_MARGIN_BPS)})`,
      });
    });
  });

  jsonOption(
    program
      .command('report:margin')
      .description('Completed orders per currency: revenue, registrar cost (and converted), margin.')
      .option('--from <date>', 'ISO date, inclusive (default: 30 days ago)')
      .option('--to <date>', 'ISO date, exclusive (default: now)'),
  ).action(async (opts: { from?: string; to?: string; json?: boolean }) => {
    await withDb(async (db) => {
      const range = marginRange({
        from: opts.from ? new Date(opts.from) : undefined,
        to: opts.to ? new Date(opts.to) : undefined,
      });
      const rows = await marginReport(db, range);
      printRows(
        rows.map((r) => ({
          currency: r.currency,
          orders: r.orders,
          revenue: r.revenue,
          cost: r.costCurrency ? `${r.cost} ${r.costCurrency}` : '',
          cost_converted: r.costConverted,
          margin: r.margin,
          without_cost: r.withoutCost,
          below_cost: r.belowCost,
          loss: r.loss,
        })),
        { json: opts.json, empty: '(no completed orders in that range)' },
      );
      // A loss is said out loud, never left inside a positive total (stderr: --json stays one document).
      for (const r of rows.filter((x) => x.belowCost > 0))
        process.stderr.write(
          `warn: ${r.belowCost} ${r.currency} order(s) sold below their registrar cost, ${r.loss} ${r.currency} lost\n`,
        );
    });
  });
}
