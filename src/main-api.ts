import type { Server } from 'node:http';
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
  close(): Promise<void>;
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
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url }, 'API listening');
  return {
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.apiLogs.close();
      await app.credentials.close();
      await app.limiters.close();
      await temporal.connection.close();
      if (!opts.db) await db.destroy();
    },
  };
}
