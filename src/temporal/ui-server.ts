import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnService } from '../utils/service-process';
import { ensureTool } from '../utils/tool-scripts';

/** The UI release: the one the dev server embeds and docker-compose.yml's image (test/compose.test.ts). */
export const TEMPORAL_UI_VERSION = '2.42.1';

/** Path of `temporal-ui-server`, built once from its Go module by scripts/ensure-temporal-ui.sh. */
export function resolveUiServer(): Promise<string> {
  return ensureTool('ensure-temporal-ui.sh', { TEMPORAL_UI_VERSION: `v${TEMPORAL_UI_VERSION}` });
}

export interface UiServerOptions {
  /** The Temporal frontend's gRPC address. */
  temporalAddress: string;
  namespace: string;
  /** The UI's HTTP port, on 127.0.0.1 only. */
  port: number;
  /** Where its configuration file is written. */
  dataDir: string;
  /** The codec server the UI decodes payloads through (the API's /console/codec), if any. */
  codecEndpoint?: string | undefined;
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
 * action of the UI left on, as the dev server's UI has them. With a codec endpoint, the UI sends
 * the operator's browser cookies with each decode (`includeCredentials`): a browser signed in to
 * the console reads the payloads, any other sees them encrypted.
 */
export function uiServerConfig(
  opts: Pick<UiServerOptions, 'temporalAddress' | 'namespace' | 'port' | 'codecEndpoint'>,
) {
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
    ...(opts.codecEndpoint
      ? { codec: { endpoint: opts.codecEndpoint, passAccessToken: false, includeCredentials: true } }
      : {}),
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
