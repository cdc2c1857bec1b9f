/**
 * The simulated account's limits, enforced as Dynadot enforces them per account: more calls in
 * flight than the level's threads, or more calls in a sliding window than it allows, is a breach,
 * answered as Dynadot answers it (a busy envelope, HTTP 429) and counted, so a test can assert
 * that our clients, across every process, never cause one.
 */
import { ACCOUNT_LIMITS, type AccountLevel, DYNADOT_RATE_WINDOW_MS } from '../../src/registrar/account';

export interface Breaches {
  /** Calls that arrived while the account's threads were all in use. */
  threads: number;
  /** Calls beyond the level's calls per window. */
  rate: number;
}

export type Admission =
  { ok: true; done: () => void } | { ok: false; kind: 'threads' | 'rate'; retryAfterMs: number };

export class SimulatedAccount {
  level: AccountLevel;
  windowMs: number;
  readonly breaches: Breaches = { threads: 0, rate: 0 };
  /** The most calls ever in flight at once, and in one window (what the clients achieved). */
  readonly peak = { inFlight: 0, perWindow: 0 };
  private inFlight = 0;
  private arrivals: number[] = [];

  constructor(level: AccountLevel, windowMs = DYNADOT_RATE_WINDOW_MS) {
    this.level = level;
    this.windowMs = windowMs;
  }

  get limits() {
    return ACCOUNT_LIMITS[this.level];
  }

  /** One call arrives: admitted (call `done` once its answer is sent), or a breach. */
  admit(now = Date.now()): Admission {
    this.arrivals = this.arrivals.filter((t) => t > now - this.windowMs);
    this.arrivals.push(now);
    this.peak.perWindow = Math.max(this.peak.perWindow, this.arrivals.length);
    if (this.arrivals.length > this.limits.callsPerWindow) {
      this.breaches.rate += 1;
      return { ok: false, kind: 'rate', retryAfterMs: this.arrivals[0]! + this.windowMs - now };
    }
    if (this.inFlight >= this.limits.threads) {
      this.breaches.threads += 1;
      return { ok: false, kind: 'threads', retryAfterMs: 1000 };
    }
    this.inFlight += 1;
    this.peak.inFlight = Math.max(this.peak.inFlight, this.inFlight);
    let done = false;
    return {
      ok: true,
      done: () => {
        if (done) return;
        done = true;
        this.inFlight -= 1;
      },
    };
  }

  reset(): void {
    this.breaches.threads = 0;
    this.breaches.rate = 0;
    this.peak.inFlight = 0;
    this.peak.perWindow = 0;
    this.arrivals = [];
  }
}
