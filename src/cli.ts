import path from 'node:path';
import { registerRates } from './commands/rates';
import { Command } from 'commander';
import { ConfigError } from './config';
import { registerAdmins } from './commands/admins';
import { registerCatalog } from './commands/catalog';
import { registerDeployments } from './commands/deployments';
import { registerLogs } from './commands/logs';
import { registerProcesses } from './commands/processes';
import { registerRepairs } from './commands/repairs';
import { registerBulk } from './commands/bulk';
import { registerContacts } from './commands/contacts';
import { registerCredentials } from './commands/credentials';
import { registerDomains } from './commands/domains';
import { registerResellers } from './commands/resellers';
import { registerReview } from './commands/review';
import { registerSignIn } from './commands/sign-in';
import { registerWallet } from './commands/wallet';
import { AppError } from './services/errors';
import { chooseStack, StackChoiceError, stackEnvironment, stackLine } from './stack-state';

/**
 * Points the command at the local stack that runs (`npm run dev` or `prod:local`, their state
 * under DATA_DIR/stacks) unless the environment names a database or Temporal, and says which on
 * the answer's first line (not with --json, whose output stays JSON).
 */
function followStack(program: Command, action: Command): void {
  const dataDir = process.env['DATA_DIR'] || path.resolve(process.cwd(), '.data');
  const state = chooseStack(process.env, dataDir, program.opts<{ stack?: string }>().stack);
  if (!state) return;
  Object.assign(process.env, stackEnvironment(state));
  if (!action.opts<{ json?: boolean }>().json) console.log(stackLine(state));
}

export function buildProgram(): Command {
  const program = new Command('domain-reseller')
    .description('Operator commands for the domain-reseller backend.')
    .showHelpAfterError()
    .option(
      '--stack <name>',
      'the local stack to talk to: dev or prod-local (default: the one running, when DATABASE_URL and TEMPORAL_ADDRESS are unset)',
    )
    .hook('preAction', followStack);
  registerProcesses(program);
  registerRepairs(program);
  registerDeployments(program);
  registerAdmins(program);
  registerResellers(program);
  registerCredentials(program);
  registerCatalog(program);
  registerRates(program);
  registerWallet(program);
  registerDomains(program);
  registerContacts(program);
  registerBulk(program);
  registerReview(program);
  registerLogs(program);
  registerSignIn(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackChoiceError) console.error(err.message);
    else if (err instanceof AppError) {
      // The same refusal the API would give, with its field errors.
      console.error(`error: ${err.message} (${err.code})`);
      for (const [field, messages] of Object.entries(err.errors ?? {}))
        for (const m of messages) console.error(`  ${field}: ${m}`);
    } else console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2));
}
