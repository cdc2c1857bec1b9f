import { Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadConfig } from '../config';
import { describeDeployment, setCurrentVersion } from '../temporal/deployments';
import { jsonOption, printRows } from './context';

const DEFAULT_DEPLOYMENT = 'domain-reseller';

async function withTemporal<T>(
  fn: (connection: Connection, namespace: string, deployment: string) => Promise<T>,
) {
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    return await fn(
      connection,
      config.TEMPORAL_NAMESPACE,
      config.WORKER_DEPLOYMENT_NAME ?? DEFAULT_DEPLOYMENT,
    );
  } finally {
    await connection.close();
  }
}

/** Worker builds in their deployment (Worker Deployment Versioning): see docs/production.md. */
export function registerDeployments(program: Command): void {
  program
    .command('worker:set-current')
    .description(
      'Make a worker build the current version of its deployment: new runs start on it, AUTO_UPGRADE runs move to it, PINNED runs stay where they began. Waits until its workers poll.',
    )
    .requiredOption('--build <id>', 'the build ID its workers run with (WORKER_BUILD_ID)')
    .option('--deployment <name>', 'the deployment (default WORKER_DEPLOYMENT_NAME, or domain-reseller)')
    .option('--wait <seconds>', 'how long to wait for its workers to poll', '60')
    .action(async (opts: { build: string; deployment?: string; wait: string }) => {
      await withTemporal(async (connection, namespace, configured) => {
        const name = opts.deployment ?? configured;
        await setCurrentVersion(
          connection,
          namespace,
          { name, buildId: opts.build },
          { waitMs: Number(opts.wait) * 1000, identity: 'cli worker:set-current' },
        );
        console.log(`${name}: build ${opts.build} is the current version`);
      });
    });

  jsonOption(
    program
      .command('worker:deployment')
      .description(
        'The deployment’s versions: which build is current, which drain, which are drained (safe to stop).',
      )
      .option('--deployment <name>', 'the deployment (default WORKER_DEPLOYMENT_NAME, or domain-reseller)'),
  ).action(async (opts: { deployment?: string; json?: boolean }) => {
    await withTemporal(async (connection, namespace, configured) => {
      const name = opts.deployment ?? configured;
      const shown = await describeDeployment(connection, namespace, name);
      if (!shown) {
        const why = `${name}: no such deployment (workers run unversioned without WORKER_DEPLOYMENT_NAME)`;
        if (opts.json) {
          console.error(why);
          printRows([], opts);
        } else console.log(why);
        return;
      }
      printRows(
        shown.versions.map((v) => ({
          build: v.buildId,
          status: v.status,
          drainage: v.drainage,
          current: v.buildId === shown.currentBuildId,
        })),
        { json: opts.json },
      );
    });
  });
}
