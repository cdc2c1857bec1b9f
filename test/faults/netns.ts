import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A test host on this machine: a network namespace joined to the host by a veth pair on a /30 of
 * its own (10.231.x.0/30: the host end .1, the namespace end .2). `cut()` takes the namespace's
 * end down, so packets to it are dropped without an answer (what a cloud network blip does: no
 * reset, the caller's timeout decides); `restore()` brings it back.
 */
export interface TestHost {
  name: string;
  /** The namespace end's address, where its servers listen. */
  address: string;
  /** Runs a command inside the namespace, in a process group of its own (`killGroup` ends it and its children). */
  spawn(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  cut(): void;
  restore(): void;
  destroy(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function createTestHost(): TestHost {
  const id = randomBytes(3).toString('hex');
  const name = `drf-${id}`;
  const [host, inner] = [`vh${id}`, `vn${id}`];
  const third = Math.floor(Math.random() * 250);
  const fourth = Math.floor(Math.random() * 63) * 4;
  const [hostIp, innerIp] = [`10.231.${third}.${fourth + 1}`, `10.231.${third}.${fourth + 2}`];
  ip('netns', 'add', name);
  try {
    ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${hostIp}/30`, 'dev', host);
    ip('link', 'set', host, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${innerIp}/30`, 'dev', inner);
    ip('netns', 'exec', name, 'ip', 'link', 'set', inner, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    ip('netns', 'del', name);
    throw err;
  }
  return {
    name,
    address: innerIp,
    spawn: (command, args, env = process.env) =>
      spawn('ip', ['netns', 'exec', name, command, ...args], {
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    cut: () => ip('netns', 'exec', name, 'ip', 'link', 'set', inner, 'down'),
    restore: () => ip('netns', 'exec', name, 'ip', 'link', 'set', inner, 'up'),
    destroy() {
      try {
        ip('link', 'del', host);
      } catch {
        // gone with the namespace
      }
      ip('netns', 'del', name);
    },
  };
}
