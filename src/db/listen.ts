import pg from 'pg';
import type { Logger } from '../logger';

export interface Listener {
  /** True while the LISTEN is in place (notifications may be missed while false). */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * LISTENs on a Postgres channel on a connection of its own, and calls `onNotify` for each
 * notification. A lost connection is reopened (backoff 100 ms … 10 s); `onListening` runs each
 * time the LISTEN is in place again, since what was notified meanwhile is lost.
 */
export function listen(opts: {
  connectionString: string;
  channel: string;
  name: string;
  log: Logger;
  onNotify: (payload: string | undefined) => void;
  onListening?: () => void;
}): Listener {
  let closed = false;
  let current: pg.Client | null = null;
  let listening = false;
  let retryMs = 100;
  let retryTimer: NodeJS.Timeout | undefined;
  const open = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: opts.connectionString, application_name: opts.name });
    const lost = (err?: Error) => {
      if (current !== client) return;
      current = null;
      listening = false;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      if (closed) return;
      if (err)
        opts.log.warn(
          { err, channel: opts.channel },
          `${opts.name}: lost its LISTEN connection; reconnecting`,
        );
      retryTimer = setTimeout(() => void open(), retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
    current = client;
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => opts.onNotify(n.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${opts.channel}`);
      if (current !== client) return;
      listening = true;
      retryMs = 100;
      opts.onListening?.();
    } catch (err) {
      lost(err as Error);
    }
  };
  void open();
  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const client = current;
      current = null;
      listening = false;
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
      }
    },
  };
}
