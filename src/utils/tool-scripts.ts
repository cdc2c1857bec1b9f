import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Runs one of the `scripts/ensure-*.sh` build scripts (each builds its pinned tool into `.tools/`
 * once) and answers the path it prints last.
 */
export async function ensureTool(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('bash', [path.join(repoRoot, 'scripts', script)], {
    maxBuffer: 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const found = stdout.trim().split('\n').pop();
  if (!found) throw new Error(`scripts/${script} printed no path`);
  return found;
}
