import { type Command, InvalidArgumentError } from 'commander';
import { ABILITIES, type Ability } from '../auth/credentials';
import type { ApiCredential, Reseller } from '../db/models';
import { formatMinor } from '../money';
import { cliActor } from '../services/audit';
import {
  issueToken,
  listCredentials,
  regenerateApiKey,
  revokeCredential,
  setApiWhitelist,
} from '../services/credentials';
import { parseMarkup } from '../services/markup-tiers';
import {
  createReseller,
  listResellers,
  setResellerStatus,
  showReseller,
  updateReseller,
} from '../services/resellers';
import { browserAccess, browserOptions } from './sign-in';
import { collect, isoDate, jsonOption, positiveInt, printRecord, printRows, withDb } from './context';

function abilities(value: string): Ability[] {
  const list = value.split(',').map((a) => a.trim());
  const unknown = list.filter((a) => !(ABILITIES as readonly string[]).includes(a));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown abilities: ${unknown.join(', ')}`);
  return list as Ability[];
}

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

export const credentialRow = (c: ApiCredential) => ({
  prefix: c.prefix,
  kind: c.kind,
  name: c.name,
  abilities: c.abilities.join(','),
  allowlist: c.ipAllowlist.join(','),
  created: c.createdAt,
  last_used: c.lastUsedAt,
  expires: c.expiresAt,
  revoked: c.revokedAt,
});

/** Resellers, their credentials and their API whitelist. */
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

  jsonOption(
    program
      .command('credential:list')
      .description(
        'A reseller’s API keys and tokens (prefix, abilities, allowlist, last used, expiry, revoked).',
      )
      .requiredOption('--reseller <id>', 'reseller id', resellerId),
  ).action(async (opts: { reseller: number; json?: boolean }) => {
    await withDb(async (db) => {
      printRows((await listCredentials(db, { resellerId: opts.reseller })).map(credentialRow), {
        json: opts.json,
      });
    });
  });

  program
    .command('token:issue')
    .description('Issue a Bearer token with chosen abilities and an optional expiry (shown once).')
    .requiredOption('--reseller <id>', 'reseller id', resellerId)
    .requiredOption('--name <name>', 'what the token is for')
    .option('--abilities <list>', `comma-separated subset of ${ABILITIES.join(', ')}`, abilities)
    .option('--expires <date>', 'when it stops working (ISO date)', isoDate('--expires'))
    .action(async (opts: { reseller: number; name: string; abilities?: Ability[]; expires?: Date }) => {
      await withDb(async (db) => {
        const { credential, secret } = await issueToken(db, cliActor(), opts.reseller, {
          name: opts.name,
          abilities: opts.abilities,
          expiresAt: opts.expires ?? null,
        });
        console.log(`Bearer token:  ${secret}`);
        printRecord(credentialRow(credential));
      });
    });

  program
    .command('api-key:regenerate')
    .description(
      'Replace a reseller’s API key (the new one is shown once); the old one stops now or after --grace.',
    )
    .requiredOption('--reseller <id>', 'reseller id', resellerId)
    .option('--prefix <dak_…>', 'which key (default: the newest)')
    .option(
      '--grace <seconds>',
      'keep the old key working this long (at most 86400)',
      (v: string) => Number(v),
      0,
    )
    .action(async (opts: { reseller: number; prefix?: string; grace: number }) => {
      await withDb(async (db) => {
        const res = await regenerateApiKey(db, cliActor(), opts.reseller, {
          prefix: opts.prefix,
          graceSeconds: opts.grace,
        });
        console.log(`X-API-KEY:     ${res.secret}`);
        if (res.replaced)
          console.log(
            `old key ${res.replaced.prefix} stops working at ${res.replaced.revokedAt.toISOString()}`,
          );
      });
    });

  program
    .command('credential:revoke')
    .description('Revoke one of a reseller’s credentials now.')
    .requiredOption('--reseller <id>', 'reseller id', resellerId)
    .requiredOption('--prefix <prefix>', 'the credential’s prefix (dak_… or drk_…)')
    .action(async (opts: { reseller: number; prefix: string }) => {
      await withDb(async (db) => {
        const c = await revokeCredential(db, cliActor(), { resellerId: opts.reseller }, opts.prefix);
        console.log(`${c.prefix} revoked at ${c.revokedAt!.toISOString()}`);
      });
    });

  program
    .command('whitelist:set')
    .description(
      'Replace a reseller’s API whitelist (IPs and CIDRs); an empty list blocks /api/v1 and the legacy API.',
    )
    .requiredOption('--reseller <id>', 'reseller id', resellerId)
    .option('--ip <address>', 'an IP or CIDR (repeatable, or comma-separated); none: block', collect, [])
    .action(async (opts: { reseller: number; ip: string[] }) => {
      await withDb(async (db) => {
        const list = await setApiWhitelist(db, cliActor(), opts.reseller, opts.ip);
        console.log(
          list.length === 0
            ? 'API whitelist is empty: /api/v1 and the legacy API are blocked.'
            : `API whitelist: ${list.join(', ')}`,
        );
      });
    });
}
