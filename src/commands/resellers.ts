import { type Command } from 'commander';
import { ABILITIES, type Ability } from '../auth/credentials';
import type { Reseller } from '../db/models';
import { formatMinor } from '../money';
import { cliActor } from '../services/audit';
import { parseMarkup } from '../services/markup-tiers';
import {
  createReseller,
  listResellers,
  setResellerStatus,
  showReseller,
  updateReseller,
} from '../services/resellers';
import { abilities } from './credentials';
import { browserAccess, browserOptions } from './sign-in';
import { collect, jsonOption, positiveInt, printRecord, printRows, withDb } from './context';

const resellerId = positiveInt('--reseller');

export const resellerRow = (r: Reseller) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  status: r.status,
  currency: r.currency.trim(),
  markup: `${r.markupBps / 100}%`,
  created: r.createdAt,
});

/** Resellers: create, list, show, update, suspend and reactivate. */
export function registerResellers(program: Command): void {
  const create = program
    .command('reseller:create')
    .description('Create a reseller; prints its API key and Bearer token once.')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--email <email>', 'contact email (unique)')
    .option('--currency <code>', 'wallet currency (ISO 4217)', 'USD')
    .option(
      '--ip <address>',
      'API whitelist entry, an IP or CIDR, for every credential on /api/v1 and the legacy API (repeatable, or comma-separated)',
      collect,
      [],
    )
    .option('--abilities <list>', `comma-separated subset of ${ABILITIES.join(', ')}`, abilities)
    .option('--markup-tier <name>', 'put the reseller on this markup tier')
    .option('--markup <percent>', 'a markup of its own, such as 15%', (v: string) => parseMarkup(v));
  browserOptions(create).action(
    async (opts: {
      name: string;
      email: string;
      currency: string;
      ip: string[];
      abilities?: Ability[];
      markupTier?: string;
      markup?: number;
      passwordStdin?: boolean;
      signInLink?: boolean;
    }) => {
      await withDb(async (db, config) => {
        const issued = await createReseller(
          db,
          {
            name: opts.name,
            email: opts.email,
            currency: opts.currency,
            ipAllowlist: opts.ip,
            markupTier: opts.markupTier,
            markupBps: opts.markup,
            ...(opts.abilities ? { abilities: opts.abilities } : {}),
          },
          cliActor(),
        );
        console.log(`reseller #${issued.reseller.id} ${issued.reseller.name} <${issued.reseller.email}>`);
        console.log(`X-API-KEY:     ${issued.apiKey}`);
        console.log(`Bearer token:  ${issued.token}`);
        console.log(
          opts.ip.length === 0
            ? 'note: the API whitelist is empty, so /api/v1 and the legacy API are blocked until an IP is added (--ip).'
            : `API whitelist: ${opts.ip.join(', ')}`,
        );
        console.log('These secrets are shown once; only their hashes are stored.');
        await browserAccess(db, config, 'reseller', issued.reseller.id, opts);
      });
    },
  );

  jsonOption(
    program
      .command('reseller:list')
      .description('List resellers (search name or email with --search), by id.')
      .option('--search <text>', 'part of the name or email')
      .option('--status <status>', 'active or suspended')
      .option('--after <id>', 'start after this id (keyset paging)', positiveInt('--after'))
      .option('--limit <n>', 'at most this many', positiveInt('--limit'), 50),
  ).action(
    async (opts: {
      search?: string;
      status?: 'active' | 'suspended';
      after?: number;
      limit: number;
      json?: boolean;
    }) => {
      await withDb(async (db) => {
        const page = await listResellers(db, {
          q: opts.search,
          status: opts.status,
          afterId: opts.after,
          limit: opts.limit,
        });
        printRows(page.items.map(resellerRow), { json: opts.json });
        if (!opts.json && page.more) console.log(`more: --after ${page.lastId}`);
      });
    },
  );

  jsonOption(
    program
      .command('reseller:show')
      .description('One reseller: balance (posted, held, available), domains, open orders, credentials.')
      .requiredOption('--reseller <id>', 'reseller id', resellerId),
  ).action(async (opts: { reseller: number; json?: boolean }) => {
    await withDb(async (db) => {
      const o = await showReseller(db, opts.reseller);
      const money = (v: bigint) => formatMinor(v, o.balance.currency);
      printRecord(
        {
          ...resellerRow(o.reseller),
          markup_tier: o.tier,
          api_whitelist: o.reseller.apiIpAllowlist,
          balance: money(o.balance.posted),
          held: money(-o.balance.held),
          available: money(o.balance.available),
          domains: o.domains,
          open_orders: o.openOrders,
          live_credentials: o.liveCredentials,
        },
        { json: opts.json },
      );
    });
  });

  program
    .command('reseller:update')
    .description('Change a reseller’s name, email or markup (a tier, or --markup of its own).')
    .requiredOption('--reseller <id>', 'reseller id', resellerId)
    .option('--name <name>')
    .option('--email <email>')
    .option('--markup-tier <name>', 'put the reseller on this tier')
    .option('--markup <percent>', 'a markup of its own, such as 15% (leaves any tier)', (v: string) =>
      parseMarkup(v),
    )
    .action(
      async (opts: {
        reseller: number;
        name?: string;
        email?: string;
        markupTier?: string;
        markup?: number;
      }) => {
        await withDb(async (db) => {
          const r = await updateReseller(db, cliActor(), opts.reseller, {
            name: opts.name,
            email: opts.email,
            markupTier: opts.markupTier,
            markupBps: opts.markup,
          });
          printRecord(resellerRow(r));
        });
      },
    );

  for (const [name, status] of [
    ['reseller:suspend', 'suspended'],
    ['reseller:reactivate', 'active'],
  ] as const) {
    program
      .command(name)
      .description(
        status === 'suspended'
          ? 'Suspend a reseller: its credentials answer 401 account_inactive from the next request.'
          : 'Reactivate a suspended reseller.',
      )
      .requiredOption('--reseller <id>', 'reseller id', resellerId)
      .option('--reason <text>', 'why (kept in the audit trail)')
      .action(async (opts: { reseller: number; reason?: string }) => {
        await withDb(async (db) => {
          const r = await setResellerStatus(db, cliActor(), opts.reseller, status, opts.reason);
          console.log(`reseller #${r.id} is ${r.status}`);
        });
      });
  }
}
