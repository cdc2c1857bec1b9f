import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order, with the status it was answered. */
  got: Received[];
  /** Event id → how many times this receiver answered it with a 2xx (what a receiver "has"). */
  accepted(): Map<string, number>;
  /** Requests received and not answered yet (with `delayMs`). */
  inFlight(): number;
  close(): Promise<void>;
}

/**
 * A webhook receiver on loopback whose answer can be changed while it runs; with `hang`, it
 * takes each request (recorded with status 0) and never answers.
 */
export async function receiver(
  answer: () => number,
  opts: { hang?: boolean; delayMs?: number } = {},
): Promise<Receiver> {
  const got: Received[] = [];
  let waiting = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (opts.hang) {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0 });
        return;
      }
      waiting += 1;
      const reply = () => {
        waiting -= 1;
        const status = answer();
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.writeHead(status).end('ok');
      };
      if (opts.delayMs) setTimeout(reply, opts.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    got,
    inFlight: () => waiting,
    accepted() {
      const counts = new Map<string, number>();
      for (const r of got) {
        if (r.status < 200 || r.status >= 300) continue;
        const id = (JSON.parse(r.body) as { id: string }).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
