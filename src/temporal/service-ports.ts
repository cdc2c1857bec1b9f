import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/* The ports temporal-server's services listen on (prod-server.ts). */

async function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free port below 32768: the cluster-membership table keeps ports as smallint, so the kernel's
 * ephemeral ports (32768 and up) are refused there ("out of range for type smallint").
 */
export async function freeLowPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    taken.add(port);
    if (await bindable(port)) return port;
  }
}

/**
 * The other services' eight ports (gRPC and membership of frontend, history, matching and worker,
 * then the frontend's HTTP port), kept in `dataDir` and taken again by the next start where they
 * are free. The cluster's membership knows its services by address: a server restarted on new
 * ports (after a crash, say) waited about a minute for the old addresses to be given up before
 * its shards served again (test/faults/temporal-restart.test.ts: 67 s against 15 s).
 */
export async function servicePorts(dataDir: string, taken: Set<number>): Promise<number[]> {
  const file = path.join(dataDir, 'service-ports.json');
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : [];
  const ports: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    const kept = before[i];
    if (kept !== undefined && !taken.has(kept) && (await bindable(kept))) {
      taken.add(kept);
      ports.push(kept);
    } else ports.push(await freeLowPort(taken));
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(ports)}\n`);
  return ports;
}
