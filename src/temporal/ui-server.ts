import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnService } from '../utils/service-process';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

/** The UI release: the one the dev server embeds and docker-compose.yml's image (test/compose.test.ts). */
export const TEMPORAL_UI_VERSION = '2.42.1';

/** Path of `temporal-ui-server`, built once from its Go module by scripts/ensure-temporal-ui.sh. */
export async function resolveUiServer(): Promise<string> {
  const { stdout } = await run('bash', [path.join(repoRoot, 'scripts', 'ensure-temporal-ui.sh')], {
    maxBuffer: 1024 * 1024,
    env: { ...process.env, TEMPORAL_UI_VERSION: `v${TEMPORAL_UI_VERSION}` },
  });
  const bin = stdout.trim().split('\n').pop();
  if (!bin) throw new Error('scripts/ensure-temporal-ui.sh printed no path');
  return bin;
}

export interface UiServerOptions {
  /** The Temporal frontend's gRPC address. */
  temporalAddress: string;
  namespace: string;
  /** The UI's HTTP port, on 127.0.0.1 only. */
  port: number;
  /** Where its configuration file is written. */
  dataDir: string;
  log?: (line: string) => void;
}

export interface UiServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The UI server's configuration (its `production` environment): on loopback only (`host`; it
 * listens on every address without it), no CORS origins beyond its own, no auth (an operator
 * reaches it through a tunnel or a proxy that authenticates, as the docs say), and every write
 * action of the UI left on, as the dev server's UI has them.
 */
export function uiServerConfig(opts: Pick<UiServerOptions, 'temporalAddress' | 'namespace' | 'port'>) {
  return {
    temporalGrpcAddress: opts.temporalAddress,
    host: '127.0.0.1',
    port: opts.port,
    enableUi: true,
    defaultNamespace: opts.namespace,
    showTemporalSystemNamespace: false,
    notifyOnNewVersion: false,
    refreshInterval: '1m',
    cors: { cookieInsecure: true, allowOrigins: [] as string[], unsafeAllowAllOrigins: false },
    auth: { enabled: false },
  };
}

/** Starts `temporal-ui-server` and resolves when it serves the UI. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const bin = await resolveUiServer();
  const configDir = path.join(opts.dataDir, 'config');
  mkdirSync(configDir, { recursive: true });
  // JSON is YAML: one file, written whole at each start.
  writeFileSync(
    path.join(configDir, 'production.yaml'),
    `${JSON.stringify(uiServerConfig(opts), null, 2)}\n`,
  );
  const { child, stop } = spawnService(
    bin,
    ['--root', opts.dataDir, '--config', 'config', '--env', 'production', 'start'],
    { log: opts.log, killAfterMs: 10_000 },
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`temporal-ui-server exited (${child.exitCode}) before serving`);
    const res = await fetch(`${url}/api/v1/settings`).catch(() => null);
    if (res?.ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('temporal-ui-server did not answer within 30 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop };
}
