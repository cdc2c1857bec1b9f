/**
 * The registrar account's limits, kept by every caller: at most `threads` calls in flight and
 * `callsPerWindow` calls in any sliding window of `windowMs`, for the whole account. In one
 * process the count is kept in memory; with Redis it is shared by every API process and worker
 * (one Lua script takes a slot atomically, on Redis' clock). A throttled answer pauses everyone.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LimitSettings {
  threads: number;
  callsPerWindow: number;
  windowMs: number;
  /**
   * Added to the window on our side: a call is counted when we send it and by the registrar when
   * it arrives, so our window must be a little longer than theirs to never exceed it.
   */
  marginMs?: number;
}

export interface AccountLimiter {
  /** Waits for a slot (a thread and a call of the window); the returned function frees the thread. */
  acquire(): Promise<() => void>;
  /** Stops new calls for `ms` (a throttled answer said so). */
  pause(ms: number): Promise<void> | void;
  readonly inFlight: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
// A call can take a while from our count to the registrar's (a busy process, the network): the
// window we keep is longer by 5% (3 s of a minute), at least a second. (Under a quarter of a
// second, a shortened window's test on a loaded machine saw a call counted late by the
// registrar's clock land in the next call's window: one rate breach in about ten runs.)
const marginOf = (s: LimitSettings) => s.marginMs ?? Math.max(1000, Math.ceil(s.windowMs * 0.05));

export class MemoryAccountLimiter implements AccountLimiter {
  private active = 0;
  private readonly sent: number[] = [];
  private pausedUntil = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly window: number;

  constructor(private readonly s: LimitSettings) {
    if (s.threads < 1 || s.callsPerWindow < 1) throw new Error('limits must be at least 1');
    this.window = s.windowMs + marginOf(s);
  }

  get inFlight(): number {
    return this.active;
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  async acquire(): Promise<() => void> {
    for (;;) {
      if (this.active >= this.s.threads) {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      const now = Date.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.window) this.sent.shift();
      const wait = Math.max(
        this.pausedUntil - now,
        this.sent.length >= this.s.callsPerWindow ? this.sent[0]! + this.window - now + 1 : 0,
      );
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      this.active += 1;
      this.sent.push(now);
      let freed = false;
      return () => {
        if (freed) return;
        freed = true;
        this.active -= 1;
        this.waiting.shift()?.();
      };
    }
  }
}

/**
 * KEYS: leases (zset token → lease expiry), calls (zset token → sent at), pause (string).
 * ARGV: threads, callsPerWindow, windowMs, leaseMs, token. Answers 0 (taken) or the ms to wait.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local threads, calls, window, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return paused - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= threads then return -1 end
if redis.call('ZCARD', KEYS[2]) >= calls then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now + 1)
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[5])
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], lease * 2)
redis.call('PEXPIRE', KEYS[2], window * 2)
return 0`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
return 0`;

export class RedisAccountLimiter implements AccountLimiter {
  private active = 0;
  private readonly window: number;
  /** While Redis cannot be reached, this process counts alone rather than stopping every call. */
  private readonly fallback: MemoryAccountLimiter;

  /**
   * `leaseMs`: how long a thread stays taken by a caller that died holding it (longer than any
   * call may take).
   */
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly s: LimitSettings & { leaseMs: number },
  ) {
    this.window = s.windowMs + marginOf(s);
    this.fallback = new MemoryAccountLimiter(s);
  }

  get inFlight(): number {
    return this.active + this.fallback.inFlight;
  }

  private keys(): string[] {
    return [`${this.key}:leases`, `${this.key}:calls`, `${this.key}:paused`];
  }

  async pause(ms: number): Promise<void> {
    this.fallback.pause(ms);
    await this.redis.eval(PAUSE, 1, `${this.key}:paused`, Math.ceil(ms)).catch(() => undefined);
  }

  async acquire(): Promise<() => void> {
    const token = randomUUID();
    for (;;) {
      let answer: unknown;
      try {
        answer = await this.redis.eval(
          ACQUIRE,
          3,
          ...this.keys(),
          this.s.threads,
          this.s.callsPerWindow,
          this.window,
          this.s.leaseMs,
          token,
        );
      } catch {
        return this.fallback.acquire();
      }
      const wait = Number(answer);
      if (wait === 0) break;
      // A thread is busy (-1): look again shortly, with jitter so waiting processes interleave.
      await sleep(wait > 0 ? Math.min(wait, 1000) : 3 + Math.random() * 7);
    }
    this.active += 1;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.active -= 1;
      void this.redis.zrem(`${this.key}:leases`, token).catch(() => undefined);
    };
  }
}
