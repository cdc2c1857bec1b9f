/**
 * Registrar simulator: a small HTTP server speaking Dynadot's api3 JSON protocol as the live
 * service answers it (test/fixtures/dynadot.ts holds those answers with their sources, and a test
 * holds this simulator to them), with its own in-memory state, deterministic availability rules,
 * and fault injection at runtime. It is written independently of our client's wire module, so
 * that testing the client against it tests the protocol rather than a shared mistake.
 *
 * Live protocol: search prices are sentences (`Registration Price: 10.99 in USD and Renewal
 * price: 11.49 in USD and Domain is not a Premium Domain`), with no Premium field; a regular
 * account searches one name per call; the account level's threads and calls per window are
 * enforced (breaches answered and counted); `domain_info` does not see a fresh registration for
 * `lagMs`; transfers go through Dynadot's states (newest order first); only Dynadot's
 * account currencies are accepted.
 *
 * Availability rules (second-level label):
 * - `taken…`         registered elsewhere (not available; transferable with any auth code but `BADAUTH`)
 * - `premium…`       available as a premium name at 500.00 USD per year (register needs premium=1)
 * - `reject…`        available, but registering it is rejected by the "registry"
 * - `transferfail…`  registered elsewhere; a transfer is accepted and later fails
 * - `transferauth…`  registered elsewhere; a transfer waits in `auth code needed` until a new code is set
 * - `transferlock…`  registered elsewhere; a transfer waits in `locked` until unlocked (admin endpoint)
 * - `transferstuck…` registered elsewhere; a transfer stays `waiting`
 * - anything else    available at the TLD's price
 *
 * Admin endpoints (JSON): GET /__sim/state, PUT /__sim/faults, PUT /__sim/account,
 * POST /__sim/fail-next, POST /__sim/domains (seed a domain into the account),
 * POST /__sim/transfers/unlock, POST /__sim/reset.
 */
import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantTimeEqual } from '../../src/auth/credentials';
import type { AccountLevel } from '../../src/registrar/account';
import { SimulatedAccount } from './account';
import { adminRoute } from './admin';
import { COMMANDS } from './commands';
import { send, sleep } from './http';
import {
  defaultFaults,
  envelope,
  type Faults,
  type FaultKind,
  MUTATING,
  type SimDomain,
  type SimHost,
  type SimOperation,
  type SimState,
  type SimTransfer,
  YEAR_MS,
} from './state';

export type { FaultKind, Faults, SimDomain, SimOperation, SimTransfer } from './state';

/** `npm run dev` and `npm run simulator`: domain_info does not see a fresh registration for this long. */
export const SIMULATOR_LAG_MS = 30_000;

export interface SimulatorOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  /** How long a "timeout" fault holds the request before dropping it. */
  timeoutHoldMs?: number;
  /**
   * Status polls until a transfer is `Transferred`: the first of several shows an empty list (the
   * order not listed yet), the ones between `waiting` and `approved`.
   */
  transferPollsToComplete?: number;
  /** The account's price level (default `bulk`) and the window of its per-minute limit. */
  accountLevel?: AccountLevel;
  rateWindowMs?: number;
  /** How long `domain_info` does not see a fresh registration (Dynadot: up to ~30 minutes). */
  lagMs?: number;
  random?: () => number;
}

export class RegistrarSimulator implements SimState {
  readonly domains = new Map<string, SimDomain>();
  readonly contacts = new Map<string, Record<string, string>>();
  /** Transfer-in orders per domain, newest first (as get_transfer_status lists them). */
  readonly transfers = new Map<string, SimTransfer[]>();
  readonly renewalPrices = new Map<string, string>();
  readonly hosts = new Map<string, SimHost>();
  readonly account: SimulatedAccount;
  lagMs: number;
  readonly operations: SimOperation[] = [];
  /** Every api3 call received, by command (what a client cost the registrar). */
  readonly calls = new Map<string, number>();
  faults: Faults = defaultFaults();
  private failNext: Array<{ command?: string | undefined; fault: FaultKind }> = [];
  private nextId = 1000 + randomInt(0, 2 ** 31) * 10_000; // apart per simulator: tests share a database
  private server: Server | undefined;
  private readonly random: () => number;
  private readonly held = new Set<ServerResponse>();
  private readonly release = new WeakMap<ServerResponse, () => void>();

  constructor(private readonly opts: SimulatorOptions = {}) {
    this.random = opts.random ?? Math.random;
    this.account = new SimulatedAccount(opts.accountLevel ?? 'bulk', opts.rateWindowMs);
    this.lagMs = opts.lagMs ?? 0;
  }

  /** Calls that broke the account's limits (threads, rate). */
  get breaches(): { threads: number; rate: number } {
    return { ...this.account.breaches };
  }

  get apiKey(): string {
    return this.opts.apiKey ?? 'sim-key';
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) =>
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', resolve),
    );
    return this.url;
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | undefined;
    if (!addr) throw new Error('simulator not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  /** The api3 endpoint our client is configured with. */
  get apiUrl(): string {
    return `${this.url}/api3.json`;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    for (const held of [this.domains, this.contacts, this.transfers, this.renewalPrices, this.hosts])
      held.clear();
    this.operations.length = 0;
    this.calls.clear();
    this.faults = defaultFaults();
    this.failNext = [];
    this.account.reset();
    this.lagMs = this.opts.lagMs ?? 0;
  }

  setFaults(faults: Partial<Faults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  /** The next call (of `command`, or any) suffers `fault`, `times` times. */
  failNextCall(fault: FaultKind, command?: string, times = 1): void {
    for (let i = 0; i < times; i += 1) this.failNext.push({ command, fault });
  }

  /** Puts a domain into the account (for renew, sync and management tests). */
  seedDomain(name: string, expiresAt: Date, extra: Partial<SimDomain> = {}): SimDomain {
    const domain: SimDomain = {
      name,
      registeredAt: Date.now() - YEAR_MS,
      expiresAt: expiresAt.getTime(),
      locked: true,
      privacy: 'off',
      nameservers: ['ns1.dynadot.com', 'ns2.dynadot.com'],
      authCode: `AUTH${this.nextId++}`,
      contacts: {},
      dns: { main: [], sub: [], ttl: 14400 },
      ...extra,
    };
    this.domains.set(name, domain);
    return domain;
  }

  newId = (): string => String(this.nextId++);

  get transferPollsToComplete(): number {
    return this.opts.transferPollsToComplete ?? 2;
  }

  count(command: SimOperation['command'], domain?: string): number {
    return this.operations.filter(
      (o) => o.command === command && (domain === undefined || o.domain === domain),
    ).length;
  }

  private pickFault(command: string): FaultKind | null {
    const idx = this.failNext.findIndex((f) => f.command === undefined || f.command === command);
    if (idx >= 0) return this.failNext.splice(idx, 1)[0]!.fault;
    const f = this.faults;
    if (f.commands.length > 0 && !f.commands.includes(command)) return null;
    const draws: Array<[number, FaultKind]> = [
      [f.errorRate, 'error'],
      [f.timeoutRate, 'timeout'],
      [f.lostResponseRate, 'lost'],
      [f.busyRate, 'busy'],
      [f.throttleRate, 'throttle'],
    ];
    for (const [rate, kind] of draws) if (rate > 0 && this.random() < rate) return kind;
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    try {
      if (url.pathname.startsWith('/__sim/')) return await adminRoute(this, req, res, url);
      if (url.pathname !== '/api3.json') return send(res, 404, { error: 'not found' });
      const command = url.searchParams.get('command') ?? '';
      this.calls.set(command, (this.calls.get(command) ?? 0) + 1);
      const params = Object.fromEntries(url.searchParams.entries());
      const admission = this.account.admit();
      if (!admission.ok) {
        if (admission.kind === 'rate') {
          res.setHeader('Retry-After', String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))));
          return send(res, 429, { error: 'too many requests' });
        }
        return send(
          res,
          200,
          envelope(command, { ResponseCode: '5', Status: 'system_busy', Error: 'system busy' }),
        );
      }
      // The thread is free again once the answer is decided (or the connection is gone).
      res.on('close', admission.done);
      this.release.set(res, admission.done);
      if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
      const fault = this.pickFault(command);
      if (fault === 'error') return send(res, 500, { error: 'internal server error' });
      if (fault === 'throttle') {
        res.setHeader('Retry-After', '1');
        return send(res, 429, { error: 'too many requests' });
      }
      if (fault === 'reject') {
        return send(
          res,
          200,
          envelope(command, {
            ResponseCode: '-1',
            Status: 'error',
            Error: 'the registry refused the request (injected)',
          }),
        );
      }
      if (fault === 'busy')
        return send(
          res,
          200,
          envelope(command, { ResponseCode: '5', Status: 'system_busy', Error: 'system busy' }),
        );
      if (fault === 'timeout') {
        this.held.add(res);
        await sleep(this.opts.timeoutHoldMs ?? 60_000);
        this.held.delete(res);
        res.destroy();
        return;
      }
      const answer = this.execute(command, params);
      const { answerDelayMs, commands } = this.faults;
      if (answerDelayMs > 0 && MUTATING.has(command) && (commands.length === 0 || commands.includes(command)))
        await sleep(answerDelayMs);
      if (fault === 'lost' && MUTATING.has(command)) {
        res.destroy();
        return;
      }
      send(res, 200, answer);
    } catch (err) {
      send(res, 500, { error: err instanceof Error ? err.message : 'error' });
    } finally {
      this.release.get(res)?.();
    }
  }

  /** Faults queued by failNextCall, not yet used. */
  get queuedFaults(): number {
    return this.failNext.length;
  }

  /** The losing registrar unlocked the domain: a `locked` transfer goes on. */
  unlockTransfer(domain: string): boolean {
    const t = this.transfers.get(domain.toLowerCase())?.[0];
    if (!t || t.blockedOn !== 'unlock') return false;
    t.blockedOn = null;
    t.status = 'waiting';
    return true;
  }

  /** Runs one api3 command against the state and returns its JSON envelope. */
  execute(command: string, p: Record<string, string>): unknown {
    if (!constantTimeEqual(p['key'] ?? '', this.apiKey))
      return envelope(command, { ResponseCode: '-1', Status: 'error', Error: 'Invalid api key' });
    const domain = (p['domain'] ?? p['domain_name'] ?? '').toLowerCase();
    const sld = domain.split('.')[0] ?? '';
    const fail = (error: string) => envelope(command, { ResponseCode: '-1', Status: 'error', Error: error });
    const notFound = () => fail('could not find domain in your account');

    const handler = COMMANDS[command];
    if (!handler) return fail(`unknown command ${command}`);
    return handler({ sim: this, command, p, domain, owned: this.domains.get(domain), sld, fail, notFound });
  }
}
