import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `killAfterMs`; resolves once it has exited. */
  stop: () => Promise<void>;
  /** SIGKILL, as a crash or a lost machine would end it; resolves once it has exited. */
  kill: () => Promise<void>;
}

/** A long-running server binary (temporal-server, temporal-ui-server), its output sent line by line to `log`. */
export function spawnService(
  bin: string,
  args: string[],
  opts: { log?: ((line: string) => void) | undefined; killAfterMs: number },
): ServiceProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.log?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    await exited;
    clearTimeout(timer);
  };
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { child, stop, kill };
}
