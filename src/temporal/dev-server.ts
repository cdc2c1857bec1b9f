import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { spawnService } from '../utils/service-process';
import { ensureTool } from '../utils/tool-scripts';
import { temporalAnswers } from './probe';
import { devServerSearchAttributeArgs, ensureSearchAttributes } from './search-attributes';

/** Path of the temporal CLI: TEMPORAL_BIN, a `temporal` on PATH, or the pinned project build. */
export function resolveTemporalBin(): Promise<string> {
  return ensureTool('ensure-temporal.sh');
}

/**
 * Dynamic config for the single-shard dev server: its history shard reads the transfer and timer
 * queues at most 20 times a second by default, so each task hand-off of a workflow waited up to
 * ~50 ms; and eager activity execution lets a workflow task's completion carry its first activity
 * straight back to the same worker. (Production gets the same values: deploy/temporal/dynamic-config.yaml, mounted by docker-compose.yml.)
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string>> = {
  'history.transferProcessorMaxPollRPS': '2000',
  'history.timerProcessorMaxPollRPS': '2000',
  'system.enableActivityEagerExecution': 'true',
};

export const devServerTuningArgs = (): string[] =>
  Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]);

export interface DevServer {
  address: string;
  uiUrl: string | null;
  /** True when we started the process (and so stop it); false when one already answered. */
  owned: boolean;
  stop(): Promise<void>;
  /** SIGKILLs a server we started (fault tests): its SQLite file stays, and startDevServer on it starts it again. */
  kill(): Promise<void>;
}

const canConnect = (address: string, namespace: string): Promise<boolean> =>
  temporalAnswers(address, (c) => c.workflowService.describeNamespace({ namespace }));

export interface StartDevServerOptions {
  ip: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Folder for the persistent SQLite file. */
  dataDir: string;
  /** The codec server the dev UI decodes payloads through (the API's /console/codec), if any. */
  uiCodecEndpoint?: string | undefined;
  log?: (line: string) => void;
}

/**
 * Starts `temporal server start-dev` (SQLite under dataDir, Web UI, our search attributes), or
 * reuses a server already answering on the port (after registering the search attributes there).
 */
export async function startDevServer(opts: StartDevServerOptions): Promise<DevServer> {
  const address = `${opts.ip}:${opts.port}`;
  if (await canConnect(address, opts.namespace)) {
    const connection = await Connection.connect({ address });
    await ensureSearchAttributes(connection, opts.namespace);
    await connection.close();
    return {
      address,
      uiUrl: null,
      owned: false,
      stop: () => Promise.resolve(),
      kill: () => Promise.resolve(),
    };
  }

  const bin = await resolveTemporalBin();
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    opts.ip,
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--namespace',
    opts.namespace,
    '--db-filename',
    path.join(opts.dataDir, 'temporal.sqlite'),
    '--log-level',
    'warn',
    ...devServerSearchAttributeArgs(),
    ...devServerTuningArgs(),
    ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
  ];
  const { child, stop, kill } = spawnService(bin, args, { log: opts.log, killAfterMs: 10_000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    if (await canConnect(address, opts.namespace)) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error('temporal dev server did not answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    address,
    uiUrl: `http://${opts.ip === '0.0.0.0' ? '127.0.0.1' : opts.ip}:${opts.uiPort}`,
    owned: true,
    stop,
    kill,
  };
}
