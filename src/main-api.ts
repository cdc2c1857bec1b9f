import { createServer, type Server } from 'node:http';
import type { Knex } from 'knex';
import { createApp } from './api/app';
import { createPortal } from './portal/router';
import type { Config } from './config';
import { createKnex } from './db/knex';
import { databaseUrlFor } from './db/database-url';
import type { Logger } from './logger';
import { createGateways } from './payments';
import { createRegistrar } from './registrar';
import type { Registrar } from './registrar/types';
import { SecretBox } from './secrets';
import { dataConverterOf } from './temporal/data-converter';
import { createTemporalClient } from './temporal/client';
import { createDnsAddon } from './hosted-dns/addon';

export interface RunningApi {
  server: Server;
  url: string;
  /** Stops accepting, answers the requests in flight (up to API_SHUTDOWN_TIMEOUT_MS), then disconnects. */
  close(): Promise<void>;
  /**
   * The deploy's stop (SIGTERM): `/readyz` answers 503 and every answer `Connection: close` for
   * API_DRAIN_DELAY_MS, so the load balancer stops sending here, then `close()`.
   */
  drain(): Promise<void>;
}

/** Stops accepting and waits for the requests in flight, closing idle connections as they free up. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Builds the API's dependencies and listens. `close()` stops accepting, drains, then disconnects. */
export async function startApi(
  config: Config,
  log: Logger,
  opts: { db?: Knex; registrar?: Registrar } = {},
): Promise<RunningApi> {
  const db = opts.db ?? createKnex(databaseUrlFor(config));
  const temporal = createTemporalClient(
    config.TEMPORAL_ADDRESS,
    config.TEMPORAL_NAMESPACE,
    dataConverterOf(config),
  );
  const app = createApp(
    {
      config,
      db,
      temporal,
      log,
      registrar: opts.registrar ?? createRegistrar(config),
      secrets: new SecretBox(config.SECRETS_KEY),
      gateways: createGateways(config),
      dnsAddon: createDnsAddon(config),
    },
    { pages: createPortal },
  );
  const handle = app.callback();
  // Idle connections are kept past the load balancer's idle timeout (docs/production.md).
  const server = createServer(
    {
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    },
    (req, res) => void handle(req, res),
  );
  server.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url }, 'API listening');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      app.lifecycle.draining = true;
      await closeServer(server, config.API_SHUTDOWN_TIMEOUT_MS);
      await app.apiLogs.close();
      await app.credentials.close();
      await app.limiters.close();
      await temporal.connection.close();
      if (!opts.db) await db.destroy();
      log.info('API stopped');
    })());
  return {
    server,
    url,
    close,
    async drain() {
      if (closing) return closing;
      app.lifecycle.draining = true;
      log.info(
        { delayMs: config.API_DRAIN_DELAY_MS },
        'draining: /readyz answers 503, then the API stops accepting',
      );
      await new Promise((r) => setTimeout(r, config.API_DRAIN_DELAY_MS));
      await close();
    },
  };
}
