import { type ChildProcess, execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { poolDatabaseUrl, poolNamespace } from './pool';

/* The operator CLI as the tests run it: against the run's database and Temporal server. */

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, '..');

/** The operator CLI as tests run it: `src/cli.ts` under tsx, from the repository root. */
export const CLI = {
  command: path.join(root, 'node_modules', '.bin', 'tsx'),
  args: ['src/cli.ts'],
  cwd: root,
};

/**
 * Signals a CLI process spawned `detached` and its whole process group: tsx runs the command in a
 * child process, and a SIGKILL must reach both.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** The CLI's environment in tests: the test database and Temporal server, quiet, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: poolDatabaseUrl(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: poolNamespace(),
    // The workflow bundle built once for the run: a worker process starts without bundling.
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    ...extra,
  };
}

/** Runs an operator CLI command against the test database and Temporal server. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(CLI.command, [...CLI.args, ...args], {
      cwd: CLI.cwd,
      env: cliEnv(env),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
