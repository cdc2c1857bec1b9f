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
 * `infoLagMs`; transfers go through Dynadot's states (newest order first); only Dynadot's
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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantTimeEqual } from '../../auth/credentials';
import { type AccountLevel, isRegistrarCurrency } from '../account';
import { SimulatedAccount } from './account';

export type FaultKind = 'error' | 'timeout' | 'lost' | 'busy' | 'throttle' | 'reject';

export interface Faults {
  /** Added to every api3 call. */
  latencyMs: number;
  /** Probabilities (0..1), drawn per call in this order. */
  errorRate: number;
  timeoutRate: number;
  /** The operation is applied, then the connection is dropped before any answer. */
  lostResponseRate: number;
  busyRate: number;
  throttleRate: number;
  /**
   * A register, renew or transfer is applied, then its answer held this long before it is sent:
   * the window in which a cut link loses an answer the registrar has acted on.
   */
  answerDelayMs: number;
  /** Commands the rates and the answer delay apply to (empty: all). */
  commands: string[];
}

export interface SimDomain {
  name: string;
  registeredAt: number;
  expiresAt: number;
  locked: boolean;
  privacy: 'full' | 'partial' | 'off';
  nameservers: string[];
  authCode: string;
  contacts: Record<string, string>;
  dns: { main: Array<Record<string, string>>; sub: Array<Record<string, string>>; ttl: number };
  /** Until when `domain_info` answers that the domain is not in the account (a fresh registration). */
  visibleAt?: number;
  /** DS records sent with `set_dnssec` (what the registry would publish in the parent zone). */
  dnssec?: Array<{ KeyTag: string; Algorithm: string; DigestType: string; Digest: string }>;
}

/** One transfer-in order of a domain: its script of states, and where it stands. */
export interface SimTransfer {
  orderId: string;
  status: string;
  polls: number;
  /** Waiting for something the reseller must do: a new auth code, or an unlock at the losing registrar. */
  blockedOn: 'auth' | 'unlock' | null;
  /** Polls that moved the order along (not counting those it waited for the reseller). */
  progress?: number;
}

export interface SimOperation {
  command: 'register' | 'renew' | 'transfer';
  domain: string;
  at: number;
  /** The currency the call was billed in. */
  currency?: string;
}

const PRICES: Record<string, string> = {
  com: '10.99',
  net: '12.99',
  org: '11.99',
  io: '35.00',
  'co.tz': '20.00',
  id: '15.00',
};
/** What the account pays per year (USD) for renewals and transfers in, next to PRICES (registrations). */
const RENEW_PRICES: Record<string, string> = {
  com: '11.49',
  net: '13.49',
  org: '12.49',
  io: '38.00',
  'co.tz': '20.00',
  id: '15.00',
};
const TRANSFER_PRICES: Record<string, string> = {
  com: '10.49',
  net: '12.49',
  org: '11.49',
  io: '35.00',
  'co.tz': '18.00',
  id: '15.00',
};
/** Prices are kept in USD and answered in any of Dynadot's account currencies at these rates. */
const RATES: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CNY: 7.2,
  CAD: 1.36,
  MXN: 17,
  BRL: 5,
  INR: 83,
};
const PREMIUM_USD = '500.00';
const YEAR_MS = 365 * 24 * 3600 * 1000;
/** `npm run dev` and `cli simulator`: domain_info does not see a fresh registration for this long. */
export const SIMULATOR_INFO_LAG_MS = 30_000;
const MUTATING = new Set(['register', 'renew', 'transfer']);

const defaultFaults = (): Faults => ({
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  lostResponseRate: 0,
  busyRate: 0,
  throttleRate: 0,
  answerDelayMs: 0,
  commands: [],
});

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
  infoLagMs?: number;
  random?: () => number;
}

export class RegistrarSimulator {
  readonly domains = new Map<string, SimDomain>();
  readonly contacts = new Map<string, Record<string, string>>();
  /** Transfer-in orders per domain, newest first (as get_transfer_status lists them). */
  readonly transfers = new Map<string, SimTransfer[]>();
  readonly account: SimulatedAccount;
  infoLagMs: number;
  readonly operations: SimOperation[] = [];
  /** Every api3 call received, by command (what a client cost the registrar). */
  readonly calls = new Map<string, number>();
  faults: Faults = defaultFaults();
  private failNext: Array<{ command?: string | undefined; fault: FaultKind }> = [];
  private nextId = 1000;
  private server: Server | undefined;
  private readonly random: () => number;
  private readonly held = new Set<ServerResponse>();
  private readonly release = new WeakMap<ServerResponse, () => void>();

  constructor(private readonly opts: SimulatorOptions = {}) {
    this.random = opts.random ?? Math.random;
    this.account = new SimulatedAccount(opts.accountLevel ?? 'bulk', opts.rateWindowMs);
    this.infoLagMs = opts.infoLagMs ?? 0;
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
    this.domains.clear();
    this.contacts.clear();
    this.transfers.clear();
    this.operations.length = 0;
    this.calls.clear();
    this.faults = defaultFaults();
    this.failNext = [];
    this.account.reset();
    this.infoLagMs = this.opts.infoLagMs ?? 0;
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
      if (url.pathname.startsWith('/__sim/')) return await this.admin(req, res, url);
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

  private async admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = req.method === 'GET' ? {} : await readJson(req);
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /__sim/state':
        return send(res, 200, {
          domains: [...this.domains.values()],
          operations: this.operations,
          faults: this.faults,
          account: { level: this.account.level, windowMs: this.account.windowMs, infoLagMs: this.infoLagMs },
          breaches: this.breaches,
          peak: this.account.peak,
          calls: Object.fromEntries(this.calls),
        });
      case 'PUT /__sim/account': {
        const b = body as { level?: AccountLevel; windowMs?: number; infoLagMs?: number };
        if (b.level) this.account.level = b.level;
        if (b.windowMs) this.account.windowMs = b.windowMs;
        if (b.infoLagMs !== undefined) this.infoLagMs = b.infoLagMs;
        return send(res, 200, { level: this.account.level, infoLagMs: this.infoLagMs });
      }
      case 'POST /__sim/transfers/unlock': {
        const b = body as { domain: string };
        return send(res, 200, { unlocked: this.unlockTransfer(b.domain) });
      }
      case 'PUT /__sim/faults':
        this.setFaults(body as Partial<Faults>);
        return send(res, 200, { faults: this.faults });
      case 'POST /__sim/fail-next': {
        const b = body as { fault: FaultKind; command?: string; times?: number };
        this.failNextCall(b.fault, b.command, b.times ?? 1);
        return send(res, 200, { queued: this.failNext.length });
      }
      case 'POST /__sim/domains': {
        const b = body as { name: string; expiresAt: string };
        return send(res, 200, this.seedDomain(b.name, new Date(b.expiresAt)));
      }
      case 'POST /__sim/reset':
        this.reset();
        return send(res, 200, { ok: true });
      default:
        return send(res, 404, { error: 'unknown admin endpoint' });
    }
  }

  /** A domain as domain_info and list_domain describe it. */
  private domainInfo(d: SimDomain): Record<string, unknown> {
    return {
      Name: d.name,
      Expiration: String(d.expiresAt),
      Registration: String(d.registeredAt),
      NameServerSettings: {
        Type: 'Name Servers',
        NameServers: d.nameservers.map((n, i) => ({ ServerId: String(i), ServerName: n })),
      },
      Locked: d.locked ? 'yes' : 'no',
      Privacy: d.privacy,
      Status: 'active',
      Whois: {
        Registrant: { ContactId: d.contacts['registrant'] ?? '' },
        Admin: { ContactId: d.contacts['admin'] ?? '' },
        Technical: { ContactId: d.contacts['admin'] ?? '' },
        Billing: { ContactId: d.contacts['admin'] ?? '' },
      },
    };
  }

  /**
   * One status poll moves the newest order along its script: `none` → `waiting` → `approved` →
   * `Transferred` (or `failed`), stopping at `auth code needed` or `locked` until the reseller acts.
   */
  private advanceTransfer(domain: string, sld: string, t: SimTransfer): void {
    if (FINAL_TRANSFER.has(t.status)) return;
    t.polls += 1;
    if (t.blockedOn === 'auth') {
      t.status = 'auth code needed';
      return;
    }
    if (t.blockedOn === 'unlock') {
      t.status = 'locked';
      return;
    }
    if (sld.startsWith('transferstuck')) {
      t.status = 'waiting';
      return;
    }
    const toComplete = this.opts.transferPollsToComplete ?? 2;
    t.progress = (t.progress ?? 0) + 1;
    if (t.progress >= toComplete) {
      if (sld.startsWith('transferfail')) t.status = 'failed';
      else {
        t.status = 'Transferred';
        this.seedDomain(domain, new Date(Date.now() + YEAR_MS), { locked: false });
      }
    } else t.status = t.progress >= toComplete - 1 && toComplete > 2 ? 'approved' : 'waiting';
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
    const owned = this.domains.get(domain);
    const sld = domain.split('.')[0] ?? '';
    const fail = (error: string) => envelope(command, { ResponseCode: '-1', Status: 'error', Error: error });
    const notFound = () => fail('could not find domain in your account');

    switch (command) {
      case 'search': {
        const names = Object.keys(p)
          .filter((k) => /^domain\d+$/.test(k))
          .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
          .map((k) => p[k]!.toLowerCase());
        if (names.length > this.account.limits.searchBatch)
          return fail('too many domains entered, please search one domain per command');
        const currency = (p['currency'] ?? 'USD').toUpperCase();
        const rate = RATES[currency];
        if (rate === undefined) return fail(`invalid currency ${currency}`);
        const results = names.map((name) => {
          const s = name.split('.')[0] ?? '';
          const t = name.split('.').slice(1).join('.');
          const available = !registeredElsewhere(s) && !this.domains.has(name);
          const premium = s.startsWith('premium');
          const at = (usd: string) => `${(Number(usd) * rate).toFixed(2)} in ${currency}`;
          const register = premium ? PREMIUM_USD : (PRICES[t] ?? '19.99');
          const renewal = premium ? PREMIUM_USD : (RENEW_PRICES[t] ?? '19.99');
          return {
            DomainName: name,
            Available: available ? 'yes' : 'no',
            ...(p['show_price'] === '1' && available
              ? {
                  Price: `Registration Price: ${at(register)} and Renewal price: ${at(renewal)} and Domain is ${premium ? 'a' : 'not a'} Premium Domain`,
                }
              : {}),
          };
        });
        return { SearchResponse: { ResponseCode: '0', SearchResults: results } };
      }
      case 'tld_price': {
        const currency = (p['currency'] ?? 'USD').toUpperCase();
        const rate = RATES[currency];
        if (rate === undefined) return fail(`invalid currency ${currency}`);
        const perPage = Math.max(1, Math.min(500, Number(p['count_per_page'] ?? 100) || 100));
        const page = Math.max(1, Number(p['page_index'] ?? 1) || 1);
        const convert = (usd: string | undefined) =>
          usd === undefined ? '' : (Number(usd) * rate).toFixed(2);
        const tlds = Object.keys(PRICES).slice((page - 1) * perPage, page * perPage);
        return envelope(command, {
          ResponseCode: '0',
          Status: 'success',
          PriceLevel: 'Regular Pricing',
          Currency: currency,
          TldPrice: tlds.map((t) => ({
            Tld: `.${t}`,
            Usage: 'Usage',
            Price: {
              Unit: '(Price/1 year)',
              Register: convert(PRICES[t]),
              Renew: convert(RENEW_PRICES[t]),
              Transfer: convert(TRANSFER_PRICES[t]),
              Restore: convert('99.00'),
            },
            Privacy: 'Yes',
            IDN: 'Yes',
          })),
        });
      }
      case 'create_contact': {
        const id = String(this.nextId++);
        this.contacts.set(id, { ...p });
        return {
          CreateContactResponse: {
            ResponseCode: '0',
            Status: 'success',
            CreateContactContent: { ContactId: id },
          },
        };
      }
      case 'register': {
        if (p['currency'] !== undefined && !isRegistrarCurrency(p['currency']))
          return fail(`invalid currency ${p['currency']}`);
        if (owned || registeredElsewhere(sld)) {
          return { RegisterResponse: { ResponseCode: '1', Status: 'not_available' } };
        }
        if (sld.startsWith('premium') && p['premium'] !== '1') {
          return fail('this domain is a premium domain, please use premium option');
        }
        if (sld.startsWith('reject')) return fail('the registry rejected this registration');
        const years = Number(p['duration'] ?? '1');
        if (!Number.isInteger(years) || years < 1 || years > 10) return fail('invalid duration');
        const now = Date.now();
        const d = this.seedDomain(domain, new Date(now + years * YEAR_MS), {
          registeredAt: now,
          locked: false,
          visibleAt: now + this.infoLagMs,
          contacts: {
            registrant: p['registrant_contact'] ?? '',
            admin: p['admin_contact'] ?? '',
          },
        });
        this.operations.push({ command: 'register', domain, at: now, currency: p['currency'] ?? 'USD' });
        return {
          RegisterResponse: {
            ResponseCode: 0,
            Status: 'success',
            DomainName: domain,
            Expiration: d.expiresAt,
          },
        };
      }
      case 'renew': {
        if (p['currency'] !== undefined && !isRegistrarCurrency(p['currency']))
          return fail(`invalid currency ${p['currency']}`);
        if (!owned) return notFound();
        const currentYear = new Date(owned.expiresAt).getUTCFullYear();
        if (p['year'] !== undefined && Number(p['year']) !== currentYear) {
          return fail(`renew year mismatch: the domain expires in ${currentYear}`);
        }
        const years = Number(p['duration'] ?? '1');
        owned.expiresAt += years * YEAR_MS;
        this.operations.push({ command: 'renew', domain, at: Date.now() });
        return {
          RenewResponse: {
            ResponseCode: '0',
            Status: 'success',
            DomainName: domain,
            Expiration: owned.expiresAt,
          },
        };
      }
      case 'transfer': {
        if (p['currency'] !== undefined && !isRegistrarCurrency(p['currency']))
          return fail(`invalid currency ${p['currency']}`);
        if (owned) return fail('domain is already in your account');
        if (!registeredElsewhere(sld)) return fail('domain is not registered');
        if (!p['auth'] || p['auth'] === 'BADAUTH') return fail('invalid auth code');
        const orders = this.transfers.get(domain) ?? [];
        if (orders[0] && !FINAL_TRANSFER.has(orders[0].status))
          return fail('a transfer order for this domain is already pending');
        const orderId = String(this.nextId++);
        const blockedOn = sld.startsWith('transferauth')
          ? 'auth'
          : sld.startsWith('transferlock')
            ? 'unlock'
            : null;
        this.transfers.set(domain, [{ orderId, status: 'none', polls: 0, blockedOn }, ...orders]);
        this.operations.push({ command: 'transfer', domain, at: Date.now() });
        return {
          TransferResponse: {
            ResponseCode: 0,
            Status: 'order created',
            DomainName: domain,
            OrderId: orderId,
          },
        };
      }
      case 'get_transfer_status': {
        const orders = this.transfers.get(domain) ?? [];
        const t = orders[0];
        if (t) this.advanceTransfer(domain, sld, t);
        // Right after an order is placed it is not listed yet (its first poll shows the older ones only).
        const hideNewest = t !== undefined && t.polls === 1 && (this.opts.transferPollsToComplete ?? 2) >= 2;
        return {
          GetTransferStatusResponse: {
            ResponseCode: '0',
            Status: 'success',
            TransferList: (hideNewest ? orders.slice(1) : orders).map((o) => ({
              OrderId: o.orderId,
              TransferStatus: o.status,
            })),
          },
        };
      }
      case 'set_transfer_auth_code': {
        const t = (this.transfers.get(domain) ?? []).find((o) => o.orderId === p['order_id']);
        if (!t) return fail('could not find the transfer order');
        if (!p['auth_code'] || p['auth_code'] === 'BADAUTH') return fail('invalid auth code');
        if (t.blockedOn === 'auth') {
          t.blockedOn = null;
          t.status = 'waiting';
        }
        return { SetTransferAuthCodeResponse: { ResponseCode: '0', Status: 'success' } };
      }
      case 'domain_info': {
        if (!owned || (owned.visibleAt ?? 0) > Date.now()) return notFound();
        return {
          DomainInfoResponse: {
            ResponseCode: 0,
            Status: 'success',
            DomainInfo: this.domainInfo(owned),
          },
        };
      }
      case 'list_domain': {
        const perPage = Math.max(1, Math.min(1000, Number(p['count_per_page'] ?? 100) || 100));
        const page = Math.max(1, Number(p['page_index'] ?? 1) || 1);
        const all = [...this.domains.values()].sort((a, b) => a.name.localeCompare(b.name));
        return {
          ListDomainInfoResponse: {
            ResponseCode: 0,
            Status: 'success',
            MainDomains: all.slice((page - 1) * perPage, page * perPage).map((d) => this.domainInfo(d)),
          },
        };
      }
      case 'get_contact': {
        const c = this.contacts.get(p['contact_id'] ?? '');
        if (!c) return fail('contact not found');
        return {
          GetContactResponse: {
            ResponseCode: '0',
            Status: 'success',
            GetContact: {
              ContactId: p['contact_id'],
              Name: c['name'] ?? '',
              Organization: c['organization'] ?? '',
              Email: c['email'] ?? '',
              PhoneCc: c['phonecc'] ?? '',
              PhoneNum: c['phonenum'] ?? '',
              Address1: c['address1'] ?? '',
              Address2: c['address2'] ?? '',
              City: c['city'] ?? '',
              State: c['state'] ?? '',
              ZipCode: c['zip'] ?? '',
              Country: c['country'] ?? '',
            },
          },
        };
      }
      case 'set_whois': {
        if (!owned) return notFound();
        for (const role of ['registrant', 'admin']) {
          const id = p[`${role}_contact`];
          if (!id || !this.contacts.has(id)) return fail(`unknown ${role} contact`);
          owned.contacts[role] = id;
        }
        return { SetWhoisResponse: { ResponseCode: '0', Status: 'success' } };
      }
      case 'set_ns': {
        if (!owned) return notFound();
        const ns = Object.keys(p)
          .filter((k) => /^ns\d+$/.test(k))
          .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
          .map((k) => p[k]!.toLowerCase());
        owned.nameservers = ns;
        return { SetNsResponse: { ResponseCode: 0, Status: 'success' } };
      }
      case 'get_ns': {
        if (!owned) return notFound();
        const content = Object.fromEntries(owned.nameservers.map((n, i) => [`Host${i}`, n]));
        return { GetNsResponse: { ResponseCode: 0, Status: 'success', NsContent: content } };
      }
      case 'get_transfer_auth_code': {
        if (!owned) return notFound();
        if (p['new_code'] === '1') owned.authCode = `AUTH${this.nextId++}`;
        if (p['unlock_domain_for_transfer'] === '1') owned.locked = false;
        return {
          GetTransferAuthCodeResponse: { ResponseCode: 0, Status: 'success', AuthCode: owned.authCode },
        };
      }
      case 'lock_domain':
        if (!owned) return notFound();
        owned.locked = true;
        return { LockDomainResponse: { ResponseCode: '0', Status: 'success' } };
      case 'set_privacy': {
        if (!owned) return notFound();
        const option = p['option'];
        if (option !== 'full' && option !== 'partial' && option !== 'off')
          return fail('invalid privacy option');
        owned.privacy = option;
        return { SetPrivacyResponse: { ResponseCode: '0', Status: 'success' } };
      }
      case 'set_dns2': {
        if (!owned) return notFound();
        const pick = (prefix: string) =>
          Object.keys(p)
            .filter((k) => new RegExp(`^${prefix}_record_type\\d+$`).test(k))
            .map((k) => k.slice(`${prefix}_record_type`.length))
            .map((i) => ({
              RecordType: p[`${prefix}_record_type${i}`]!,
              Value: p[`${prefix}_record${i}`] ?? '',
              ...(p[`${prefix}_recordx${i}`] ? { RecordValue2: p[`${prefix}_recordx${i}`]! } : {}),
              ...(prefix === 'sub' ? { Subhost: p[`subdomain${i}`] ?? '' } : {}),
            }));
        owned.dns = { main: pick('main'), sub: pick('sub'), ttl: Number(p['ttl'] ?? '14400') };
        return { SetDnsResponse: { ResponseCode: 0, Status: 'success' } };
      }
      case 'set_dnssec': {
        if (!owned) return notFound();
        const fields = ['key_tag', 'algorithm', 'digest_type', 'digest'] as const;
        if (fields.some((f) => !p[f])) return fail('key_tag, algorithm, digest_type and digest are required');
        if (!/^\d+$/.test(p['key_tag']!) || !/^[0-9a-fA-F]+$/.test(p['digest']!))
          return fail('invalid dnssec record');
        const ds = {
          KeyTag: p['key_tag']!,
          Algorithm: p['algorithm']!,
          DigestType: p['digest_type']!,
          Digest: p['digest']!.toUpperCase(),
        };
        owned.dnssec = [
          ...(owned.dnssec ?? []).filter((d) => d.KeyTag !== ds.KeyTag || d.DigestType !== ds.DigestType),
          ds,
        ];
        return { SetDnssecResponse: { ResponseCode: 0, Status: 'success' } };
      }
      case 'get_dnssec':
        if (!owned) return notFound();
        return {
          GetDnssecResponse: { ResponseCode: 0, Status: 'success', DnssecInfo: owned.dnssec ?? [] },
        };
      case 'set_clear_domain_setting': {
        if (!owned) return notFound();
        const service = p['service'];
        if (service === 'dnssec') owned.dnssec = [];
        else if (service === 'nameservers') owned.nameservers = [];
        else if (service === 'dns') owned.dns = { main: [], sub: [], ttl: 14400 };
        else return fail('invalid service');
        return { SetClearDomainSettingResponse: { ResponseCode: '0', Status: 'success' } };
      }
      case 'get_dns':
        if (!owned) return notFound();
        return {
          GetDnsResponse: {
            ResponseCode: 0,
            Status: 'success',
            GetDns: {
              NameServerSettings: {
                Type: 'Dynadot DNS',
                Ttl: String(owned.dns.ttl),
                MainDomains: owned.dns.main,
                SubDomains: owned.dns.sub,
              },
            },
          },
        };
      default:
        return fail(`unknown command ${command}`);
    }
  }
}

/** Names the simulator treats as registered at another registrar (transferable in). */
function registeredElsewhere(sld: string): boolean {
  return /^(taken|transfer(fail|auth|lock|stuck))/.test(sld);
}

const FINAL_TRANSFER = new Set(['Transferred', 'failed', 'cancelled']);

function envelope(command: string, inner: Record<string, unknown>): Record<string, unknown> {
  const name = command
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return { [`${name}Response`]: inner };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}
