import { type Command, InvalidArgumentError } from 'commander';
import { ABILITIES, type Ability } from '../auth/credentials';
import type { ApiCredential } from '../db/models';
import { cliActor } from '../services/audit';
import {
  issueToken,
  listCredentials,
  regenerateApiKey,
  revokeCredential,
  setApiWhitelist,
} from '../services/credentials';
import { collect, isoDate, jsonOption, positiveInt, printRecord, printRows, withDb } from './context';

const resellerId = positiveInt('--reseller');

export function abilities(value: string): Ability[] {
  const list = value.split(',').map((a) => a.trim());
  const unknown = list.filter((a) => !(ABILITIES as readonly string[]).includes(a));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown abilities: ${unknown.join(', ')}`);
  return list as Ability[];
}

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

/** A reseller's credentials (API keys and tokens) and their API whitelist. */
export function registerCredentials(program: Command): void {
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
