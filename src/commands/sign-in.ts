import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { findAdmin } from '../services/admins';
import { cliActor } from '../services/audit';
import { createSignInLink, type SessionKind, setPassword } from '../services/sessions';
import { positiveInt, withDb } from './context';

/** One line from standard input (a password piped in, never on the command line). */
async function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

/** What `--password-stdin` and `--sign-in-link` do for a new or existing account. */
export async function browserAccess(
  db: Knex,
  config: Config,
  kind: SessionKind,
  id: number,
  opts: { passwordStdin?: boolean | undefined; signInLink?: boolean | undefined },
): Promise<void> {
  if (opts.passwordStdin) {
    await setPassword(db, cliActor(), kind, id, await readLine());
    console.log(
      'Password set: sign in at',
      `${config.PUBLIC_URL}${kind === 'reseller' ? '/portal' : '/console'}/sign-in`,
    );
  }
  if (opts.signInLink) {
    const token = await createSignInLink(db, kind, id);
    console.log(
      `Sign-in link (once, within an hour): ${config.PUBLIC_URL}${kind === 'reseller' ? '/portal' : '/console'}/sign-in/link/${token}`,
    );
  }
}

export const browserOptions = (cmd: Command): Command =>
  cmd
    .option('--password-stdin', 'set the browser sign-in password from one line of standard input')
    .option('--sign-in-link', 'print a one-time sign-in link for the browser pages');

/** Browser sign-in for existing accounts: a password, or a one-time link. */
export function registerSignIn(program: Command): void {
  browserOptions(
    program
      .command('sign-in:setup')
      .description(
        'Set a browser sign-in password (from stdin) or print a one-time sign-in link, for a reseller or an admin.',
      )
      .option('--reseller <id>', 'the reseller (portal)', positiveInt('--reseller'))
      .option('--admin <email>', 'the admin (console)'),
  ).action(
    async (opts: { reseller?: number; admin?: string; passwordStdin?: boolean; signInLink?: boolean }) => {
      await withDb(async (db, config) => {
        if ((opts.reseller === undefined) === (opts.admin === undefined))
          throw new Error('give --reseller or --admin');
        if (!opts.passwordStdin && !opts.signInLink)
          throw new Error('give --password-stdin and/or --sign-in-link');
        const [kind, id] =
          opts.reseller !== undefined
            ? (['reseller', opts.reseller] as const)
            : (['admin', (await findAdmin(db, { email: opts.admin! })).id] as const);
        await browserAccess(db, config, kind, id, opts);
      });
    },
  );
}
