import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a running local stack (`npm run dev`, `npm run prod:local`) writes under DATA_DIR/stacks,
 * so the operator CLI talks to the stack that runs rather than to a default: its database
 * (the URL without its password, which sits in a file of its own readable by its owner only),
 * its Temporal address, namespace and queues, the simulators it points the clients at, and who
 * polls which queue. Removed when the stack stops; a file whose process is gone is ignored.
 */
export const STACK_NAMES = ['dev', 'prod-local'] as const;
export type StackName = (typeof STACK_NAMES)[number];

export interface StackState {
  stack: StackName;
  /** The process that runs the stack: the file counts only while it lives. */
  pid: number;
  startedAt: string;
  apiUrl: string;
  /** The database URL without its password. */
  databaseUrl: string;
  /** Where the password is, when the URL has one (mode 0600). */
  passwordFile?: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Settings every command of this stack needs beside those (queue names, simulator URLs). */
  env: Record<string, string>;
  /** Each worker process and the kinds of work it polls. */
  workers: Array<{ name: string; queues: string[] }>;
}

const dirOf = (dataDir: string) => path.join(dataDir, 'stacks');

/** Writes the stack's state (and its database password apart); answers a function that removes both. */
export function writeStackState(
  dataDir: string,
  state: Omit<StackState, 'databaseUrl' | 'passwordFile' | 'pid' | 'startedAt'> & { databaseUrl: string },
): () => void {
  const dir = dirOf(dataDir);
  mkdirSync(dir, { recursive: true });
  const url = new URL(state.databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const file = path.join(dir, `${state.stack}.json`);
  const passwordFile = path.join(dir, `${state.stack}.pgpass`);
  if (password) {
    writeFileSync(passwordFile, password, { mode: 0o600 });
    chmodSync(passwordFile, 0o600);
  }
  const written: StackState = {
    ...state,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    databaseUrl: url.toString(),
    ...(password ? { passwordFile } : {}),
  };
  writeFileSync(file, `${JSON.stringify(written, null, 2)}\n`);
  return () => {
    rmSync(file, { force: true });
    rmSync(passwordFile, { force: true });
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The stacks whose process still runs. */
export function runningStacks(dataDir: string): StackState[] {
  let names: string[];
  try {
    names = readdirSync(dirOf(dataDir));
  } catch {
    return [];
  }
  const states: StackState[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const state = JSON.parse(readFileSync(path.join(dirOf(dataDir), name), 'utf8')) as StackState;
      if ((STACK_NAMES as readonly string[]).includes(state.stack) && alive(state.pid)) states.push(state);
    } catch {
      // half written or not ours: not a running stack
    }
  }
  return states;
}

/** The environment that points a command at the stack (its password read back in). */
export function stackEnvironment(state: StackState): Record<string, string> {
  const url = new URL(state.databaseUrl);
  if (state.passwordFile) url.password = encodeURIComponent(readFileSync(state.passwordFile, 'utf8'));
  return {
    ...state.env,
    DATABASE_URL: url.toString(),
    TEMPORAL_ADDRESS: state.temporalAddress,
    TEMPORAL_NAMESPACE: state.temporalNamespace,
  };
}

export class StackChoiceError extends Error {
  override name = 'StackChoiceError';
}

/**
 * The stack a command talks to: the one named, else (when neither DATABASE_URL nor
 * TEMPORAL_ADDRESS is set) the one running; none when nothing runs or the environment names its
 * own. Two running and none named is refused: the command would otherwise pick one silently.
 */
export function chooseStack(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  named: string | undefined,
): StackState | undefined {
  const running = runningStacks(dataDir);
  if (named !== undefined) {
    if (!(STACK_NAMES as readonly string[]).includes(named))
      throw new StackChoiceError(`--stack takes ${STACK_NAMES.join(' or ')} (not ${named})`);
    const state = running.find((s) => s.stack === named);
    if (!state)
      throw new StackChoiceError(
        `the ${named} stack is not running (${running.length === 0 ? 'none is' : `running: ${running.map((s) => s.stack).join(', ')}`})`,
      );
    return state;
  }
  if (env['DATABASE_URL'] || env['TEMPORAL_ADDRESS']) return undefined;
  if (running.length > 1)
    throw new StackChoiceError(
      `${running.length} stacks are running (${running.map((s) => `${s.stack} since ${s.startedAt}, pid ${s.pid}`).join('; ')}): name one with --stack ${STACK_NAMES.join(' or --stack ')}, or set DATABASE_URL and TEMPORAL_ADDRESS`,
    );
  return running[0];
}

/** The first line of a command's answer on a stack: which one, and where its data lives. */
export function stackLine(state: StackState): string {
  const db = new URL(state.databaseUrl);
  return `stack: ${state.stack} (API ${state.apiUrl}, database ${db.host}${db.pathname}, Temporal ${state.temporalAddress}/${state.temporalNamespace})`;
}
