/**
 * The registrar simulator's state and what its command handlers share: the account's domains,
 * contacts and transfer orders, the prices it answers, and the api3 envelope.
 */
import type { SimulatedAccount } from './account';

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
  /**
   * What reads of the domain (`domain_info`, `get_ns`) answer until `until`: the domain as it was
   * before its latest changes, or null (not in the account: a fresh registration). See lag.ts.
   */
  shown?: { until: number; as: SimDomainView | null } | undefined;
  /** DS records sent with `set_dnssec` (what the registry would publish in the parent zone). */
  dnssec?: Array<{ KeyTag: string; Algorithm: string; DigestType: string; Digest: string }>;
}

/** A registered nameserver host and its addresses. */
export interface SimHost {
  serverId: string;
  host: string;
  ips: string[];
}

/** What a read of a domain shows of it (and what lags behind a change). */
export type SimDomainView = Pick<SimDomain, 'nameservers' | 'locked' | 'privacy' | 'contacts'>;

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
  command: 'register' | 'renew' | 'transfer' | 'cancel_transfer';
  domain: string;
  at: number;
  /** The currency the call was billed in. */
  currency?: string;
}

export const PRICES: Record<string, string> = {
  com: '10.99',
  net: '12.99',
  org: '11.99',
  io: '35.00',
  'co.tz': '20.00',
  id: '15.00',
};
/** What the account pays per year (USD) for renewals and transfers in, next to PRICES (registrations). */
export const RENEW_PRICES: Record<string, string> = {
  com: '11.49',
  net: '13.49',
  org: '12.49',
  io: '38.00',
  'co.tz': '20.00',
  id: '15.00',
};
export const TRANSFER_PRICES: Record<string, string> = {
  com: '10.49',
  net: '12.49',
  org: '11.49',
  io: '35.00',
  'co.tz': '18.00',
  id: '15.00',
};
/** Prices are kept in USD and answered in any of Dynadot's account currencies at these rates. */
export const RATES: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CNY: 7.2,
  CAD: 1.36,
  MXN: 17,
  BRL: 5,
  INR: 83,
};
export const PREMIUM_USD = '500.00';
export const YEAR_MS = 365 * 24 * 3600 * 1000;
export const MUTATING = new Set(['register', 'renew', 'transfer']);

/** What a command handler reads and changes: the simulated account. */
export interface SimState {
  readonly domains: Map<string, SimDomain>;
  readonly contacts: Map<string, Record<string, string>>;
  /** Transfer-in orders per domain, newest first (as get_transfer_status lists them). */
  readonly transfers: Map<string, SimTransfer[]>;
  readonly operations: SimOperation[];
  readonly account: SimulatedAccount;
  /** How long reads of a domain do not show a change to it (a registration, nameservers, Whois, lock, privacy). */
  readonly lagMs: number;
  /** Status polls until a transfer is `Transferred`. */
  readonly transferPollsToComplete: number;
  /** Registered nameserver hosts (glue), by host name. */
  readonly hosts: Map<string, SimHost>;
  /** A domain's own yearly renewal price in USD, where one was set (a premium name's that rose). */
  readonly renewalPrices: Map<string, string>;
  /** A fresh id (contacts, transfer orders, auth codes). */
  newId(): string;
  seedDomain(name: string, expiresAt: Date, extra?: Partial<SimDomain>): SimDomain;
}

/** One api3 call as a handler sees it: its parameters, the domain it names, and the state. */
export interface Call {
  sim: SimState;
  command: string;
  p: Record<string, string>;
  /** The `domain` (or `domain_name`) parameter, lower-cased. */
  domain: string;
  /** That domain, when it is in the account. */
  owned: SimDomain | undefined;
  /** Its second-level label (the availability rules read it). */
  sld: string;
  fail: (error: string) => unknown;
  notFound: () => unknown;
}

/** One api3 command: the call in, the JSON envelope out. */
export type Handler = (c: Call) => unknown;

/** Names the simulator treats as registered at another registrar (transferable in). */
export function registeredElsewhere(sld: string): boolean {
  return /^(taken|transfer(fail|auth|lock|stuck))/.test(sld);
}

export const FINAL_TRANSFER = new Set(['Transferred', 'failed', 'cancelled']);

/** `{ ... }` as `<Command>Response` (the live service's wrapper for most commands). */
export function envelope(command: string, inner: Record<string, unknown>): Record<string, unknown> {
  const name = command
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return { [`${name}Response`]: inner };
}

/** No faults: every call answered as the live service would. */
export const defaultFaults = (): Faults => ({
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  lostResponseRate: 0,
  busyRate: 0,
  throttleRate: 0,
  answerDelayMs: 0,
  commands: [],
});
