import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { Logger } from '../logger';

export const AUTH_CHANGED_CHANNEL = 'auth_changed';

/** A statement that writes a table whose rows the cache holds (what the auth_changed trigger watches). */
const AUTH_WRITE =
  /^\s*(?:insert\s+into|update|delete\s+from)\s+"?(?:api_credentials|resellers|admins)"?[\s(]/i;
const LAST_USED_TOUCH = /^\s*update\s+"api_credentials"\s+set\s+"last_used_at"\s*=\s*\$\d+\s+where/i;

export interface CredentialCacheOptions {
  /** How long a looked-up credential is trusted without asking Postgres again; 0 turns caching off. */
  ttlMs: number;
  /** Where to LISTEN for `auth_changed`; without it nothing is cached. */
  connectionString?: string | undefined;
  log: Logger;
  max?: number;
}

/**
 * Credentials (with their owner) held for a few seconds so an authenticated request costs no
 * database round trip. Safe because Postgres announces every change that matters on
 * `auth_changed` (a trigger on api_credentials, resellers and admins, whatever made the change)
 * and every API process listens: a revoke, a suspension or a whitelist change empties every
 * process's cache once Postgres delivers the announcement, milliseconds after the commit (delivery
 * is asynchronous: a request already under way may still be served from memory). While the
 * listening connection is down nothing is served from the cache, since a change could go unheard;
 * it reconnects with backoff.
 */
export class CredentialCache<T extends object> {
  private readonly entries: LRUCache<string, T>;
  /** Bumped on every change heard, so a lookup that raced a change is not stored. */
  private generation = 0;
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  /** When this process last wrote a credential's last_used_at. */
  private readonly touched = new LRUCache<number, number>({ max: 50_000 });

  constructor(private readonly opts: CredentialCacheOptions) {
    this.entries = new LRUCache({ max: opts.max ?? 10_000, ttl: Math.max(1, opts.ttlMs) });
  }

  /** Starts listening (without waiting for the connection: until it is up, nothing is cached). */
  start(): this {
    if (this.opts.ttlMs > 0 && this.opts.connectionString) void this.listen();
    return this;
  }

  /** Whether lookups are being served from memory (the listener is up). */
  get active(): boolean {
    return this.listening;
  }

  /**
   * The cached value for `key`, else `load()`'s (stored when it is not null, no change was heard
   * meanwhile, and `until` — the credential's own end — is not sooner than now).
   */
  async lookup(
    key: string,
    load: () => Promise<T | null>,
    until?: (value: T) => number | null,
  ): Promise<T | null> {
    if (this.listening) {
      const hit = this.entries.get(key);
      if (hit !== undefined) return hit;
    }
    const generation = this.generation;
    const value = await load();
    if (value !== null && this.listening && generation === this.generation) {
      const end = until?.(value) ?? null;
      const ttl = end === null ? this.opts.ttlMs : Math.min(this.opts.ttlMs, end - Date.now());
      if (ttl > 0) this.entries.set(key, value, { ttl });
    }
    return value;
  }

  /**
   * Also drops everything held when this process itself writes a credential, a reseller or an
   * admin through `db`, as the statement goes (not once Postgres delivers the announcement of
   * the commit): the process that revoked a key refuses it on its next request. (A lookup
   * another request makes between the write and its commit still reads the old row and may
   * keep it until the announcement arrives, milliseconds later.) A touch of `last_used_at` is
   * no change (it announces nothing either).
   */
  watch(db: Knex): this {
    db.on('query', (q: { sql?: string }) => {
      if (q.sql && AUTH_WRITE.test(q.sql) && !LAST_USED_TOUCH.test(q.sql)) this.invalidate();
    });
    return this;
  }

  /** Drops everything held (a change was announced, or the announcements may have been missed). */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Whether this process should write the credential's last_used_at now (at most once a minute). */
  touchDue(credentialId: number, lastUsedAt: Date | string | null): boolean {
    const last = Math.max(
      this.touched.get(credentialId) ?? 0,
      lastUsedAt ? new Date(lastUsedAt).getTime() : 0,
    );
    if (Date.now() - last < 60_000) return false;
    this.touched.set(credentialId, Date.now());
    return true;
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: 'domain-reseller auth cache',
    });
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      this.invalidate();
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      if (this.closed) return;
      if (err)
        this.opts.log.warn(
          { err },
          'credential cache: lost the auth_changed listener; not caching until back',
        );
      this.retryTimer = setTimeout(() => void this.listen(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
    this.listener = client;
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.invalidate());
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_CHANGED_CHANNEL}`);
      if (this.listener !== client) return;
      // Anything loaded before LISTEN took effect could be stale: start from empty.
      this.invalidate();
      this.listening = true;
      this.retryMs = 100;
    } catch (err) {
      lost(err as Error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.listener;
    this.listener = null;
    this.listening = false;
    this.invalidate();
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
