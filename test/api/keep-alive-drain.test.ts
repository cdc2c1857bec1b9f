import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { startApi } from '../../src/main-api';
import { silentLog, testConfig, testDb } from '../helpers';

// The API as `npm run cli -- api` runs it (src/main-api.ts): its HTTP server's timeouts, and how
// it stops on a deploy's SIGTERM (`drain()`).
const db = testDb();
afterAll(() => db.destroy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  connection: string | undefined;
  /** Whether the request went out on a connection an earlier request had used. */
  reused: boolean;
  body: string;
}

/** A request through `agent`, with `body` (sent at once, or by the caller through `hold`). */
function request(
  url: string,
  opts: { agent?: http.Agent; method?: string; body?: string; hold?: (req: http.ClientRequest) => void } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: opts.agent ?? false,
        headers:
          opts.body !== undefined
            ? { 'Content-Type': 'application/json', 'Content-Length': opts.body.length }
            : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            reused: req.reusedSocket,
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    if (opts.hold) opts.hold(req);
    else req.end(opts.body);
  });
}

describe('the API behind a load balancer', () => {
  it('refuses timeouts out of order: headers must outlast keep-alive', () => {
    expect(() =>
      loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000', HTTP_HEADERS_TIMEOUT_MS: '60000' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '66000', HTTP_REQUEST_TIMEOUT_MS: '30000' })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS/,
    );
    const defaults = loadConfig({});
    // Above the 60 s idle timeout of the common balancers (AWS ALB, nginx upstream keepalive).
    expect(defaults.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(defaults.HTTP_HEADERS_TIMEOUT_MS).toBe(66_000);
  });

  it(
    'answers a request sent on a keep-alive connection left idle for 30 s',
    { timeout: 90_000 },
    async () => {
      const api = await startApi(testConfig({ PORT: '0', HOST: '127.0.0.1' }), silentLog, { db });
      // One connection, kept: as a load balancer's pool to one backend.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const first = await request(`${api.url}/healthz`, { agent });
        expect(first).toMatchObject({ status: 200, reused: false });
        await sleep(30_000);
        // Node's default (5 s) had closed it: the balancer's reuse met a closed socket.
        const second = await request(`${api.url}/healthz`, { agent });
        expect(second).toMatchObject({ status: 200, reused: true });
      } finally {
        agent.destroy();
        await api.close();
      }
    },
  );

  it(
    'drains on SIGTERM: /readyz 503 first, answers close their connections, a request in flight is answered, new connections refused',
    { timeout: 60_000 },
    async () => {
      const api = await startApi(
        testConfig({ PORT: '0', HOST: '127.0.0.1', API_DRAIN_DELAY_MS: '1500' }),
        silentLog,
        { db },
      );
      const ready = await request(`${api.url}/readyz`);
      expect(ready.status).toBe(200);

      // A request in flight: its headers sent, its body not yet.
      const body = JSON.stringify({ domain_name: 'drain-test.com' });
      let inFlight!: http.ClientRequest;
      const answer = request(`${api.url}/api/v1/domains/check`, {
        method: 'POST',
        body,
        hold: (req) => {
          inFlight = req;
          req.write(body.slice(0, 10));
        },
      });
      await sleep(200);

      const drained = api.drain();
      await sleep(100);
      const notReady = await request(`${api.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(JSON.parse(notReady.body)).toMatchObject({ success: false, code: 'draining' });
      // Still answering during the delay, each answer closing its connection.
      const during = await request(`${api.url}/healthz`, { agent: new http.Agent({ keepAlive: true }) });
      expect(during).toMatchObject({ status: 200, connection: 'close' });

      // After the delay: no new connection is taken, while the one in flight is still served.
      await sleep(2_000);
      const refused = await request(`${api.url}/healthz`).then(
        () => 'answered',
        (err: NodeJS.ErrnoException) => err.code,
      );
      expect(refused).toBe('ECONNREFUSED');
      inFlight.end(body.slice(10));
      const late = await answer;
      // Answered in full (no API key: 401 with the envelope), not cut.
      expect(late.status).toBe(401);
      expect(JSON.parse(late.body)).toMatchObject({ success: false });
      await drained;
    },
  );
});
