import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { poolDatabaseUrl } from './pool';

/** A TCP proxy to Postgres that can be switched off (connections refused and cut) and on. */
export async function pgProxy(): Promise<{
  url: string;
  up: boolean;
  /** Connections attempted while switched off. */
  refused: number;
  close(): Promise<void>;
}> {
  const target = new URL(poolDatabaseUrl());
  const sockets = new Set<Socket>();
  const state = { up: false, refused: 0 };
  const server: Server = createServer((client) => {
    if (!state.up) {
      state.refused += 1;
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    get refused() {
      return state.refused;
    },
    get up() {
      return state.up;
    },
    set up(v: boolean) {
      state.up = v;
      if (!v) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
