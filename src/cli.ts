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

export function buildProgram(): Command {
  const program = new Command('domain-reseller')
    .description('Operator commands for the domain-reseller backend.')
    .showHelpAfterError();
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
    if (err instanceof ConfigError) console.error(err.message);
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
