import { type Command, InvalidArgumentError } from 'commander';
import { ADMIN_ABILITIES, type AdminAbility } from '../auth/credentials';
import { createAdmin, findAdmin, issueAdminToken } from '../services/admins';
import { cliActor } from '../services/audit';
import { isoDate, withDb } from './context';
import { browserAccess, browserOptions } from './sign-in';

function adminAbilities(value: string): AdminAbility[] {
  const list = value.split(',').map((a) => a.trim());
  const unknown = list.filter((a) => !(ADMIN_ABILITIES as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `unknown abilities: ${unknown.join(', ')} (choose from ${ADMIN_ABILITIES.join(', ')})`,
    );
  return list as AdminAbility[];
}

/** Operators of the business: admin:create and admin tokens for the admin API (/api/admin/v1). */
export function registerAdmins(program: Command): void {
  const create = program
    .command('admin:create')
    .description('Create an admin and print an admin token (dat_…) for /api/admin/v1, shown once.')
    .requiredOption('--email <email>', 'the admin’s email (unique)')
    .requiredOption('--name <name>', 'display name')
    .option(
      '--abilities <list>',
      `admin abilities, comma-separated (default: ${ADMIN_ABILITIES.join(',')})`,
      adminAbilities,
    )
    .option('--no-token', 'create the admin without a token');
  browserOptions(create).action(
    async (opts: {
      email: string;
      name: string;
      abilities?: AdminAbility[];
      token: boolean;
      passwordStdin?: boolean;
      signInLink?: boolean;
    }) => {
      await withDb(async (db, config) => {
        const actor = cliActor();
        const admin = await createAdmin(db, actor, opts);
        console.log(`admin #${admin.id} ${admin.name} <${admin.email}>`);
        if (opts.token) {
          const { secret, credential } = await issueAdminToken(db, actor, admin.id, {
            name: 'admin token',
            abilities: opts.abilities,
          });
          console.log(`Admin token:   ${secret}`);
          console.log(`abilities:     ${credential.abilities.join(', ')}`);
          console.log('The token is shown once; only its hash is stored.');
        }
        await browserAccess(db, config, 'admin', admin.id, opts);
      });
    },
  );

  program
    .command('admin:token')
    .description('Issue another admin token for an existing admin (shown once).')
    .requiredOption('--email <email>', 'the admin’s email')
    .option('--name <name>', 'a name to tell tokens apart', 'admin token')
    .option('--abilities <list>', `admin abilities, comma-separated (default: all)`, adminAbilities)
    .option('--expires <date>', 'when the token stops working (ISO date)', isoDate('--expires'))
    .action(async (opts: { email: string; name: string; abilities?: AdminAbility[]; expires?: Date }) => {
      await withDb(async (db) => {
        const admin = await findAdmin(db, { email: opts.email });
        const { secret, credential } = await issueAdminToken(db, cliActor(), admin.id, {
          name: opts.name,
          abilities: opts.abilities,
          expiresAt: opts.expires ?? null,
        });
        console.log(`Admin token:   ${secret}`);
        console.log(`abilities:     ${credential.abilities.join(', ')}`);
        if (credential.expiresAt) console.log(`expires:       ${credential.expiresAt.toISOString()}`);
      });
    });
}
