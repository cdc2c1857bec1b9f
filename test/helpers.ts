import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import pino from 'pino';
import { inject } from 'vitest';
import { checkAnswer } from './contract';
import type { Ability, AdminAbility } from '../src/auth/credentials';
import { createAdmin, issueAdminToken } from '../src/services/admins';
import { createApp } from '../src/api/app';
import { createPortal } from '../src/portal/router';
import type { AppDeps } from '../src/api/http/context';
import { type Config, loadConfig } from '../src/config';
import { createKnex } from '../src/db/knex';
import type { Logger } from '../src/logger';
import { Reseller } from '../src/db/models';
import { createReseller } from '../src/services/resellers';
import { createGateways } from '../src/payments';
import { createRegistrar } from '../src/registrar';
import type { Registrar } from '../src/registrar/types';
import { SecretBox } from '../src/secrets';
import { createTemporalClient } from '../src/temporal/client';
import { dataConverterOf } from '../src/temporal/data-converter';
import { createDnsAddon } from '../src/hosted-dns/addon';
import { poolDatabaseUrl, poolNamespace } from './pool';

export const silentLog = pino({ level: process.env['DEBUG_LOG'] ?? 'silent' });

/**
 * The data converter of the tests' clients and workers: the one every process builds from its
 * configuration (PAYLOAD_KEYS: the development key unless a test sets its own).
 */
export function testDataConverter(overrides: Record<string, string> = {}) {
  return dataConverterOf(testConfig(overrides));
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: poolDatabaseUrl(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: poolNamespace(),
    DNS_ADDON_URL: inject('dnsAddonUrl'),
    DNS_ADDON_API_KEY: inject('dnsAddonKey'),
    DNS_ADDON_DNS_PORT: String(inject('dnsPort')),
    ...overrides,
  });
}

export function testDb(): Knex {
  return createKnex(poolDatabaseUrl(), { max: 5 });
}

export interface TestApi {
  url: string;
  temporal: Client;
  /** Writes the api_logs rows queued so far (the app batches them off the request path). */
  flushLogs(): Promise<void>;
  /** Whether the app serves credentials from memory (its change listener is up). */
  credentialsCached(): boolean;
  /**
   * Stops the server and the log writer, and closes the Temporal connection unless asked not to
   * (`keepTemporal`): the SDK retries an update against an unreachable server on timers that
   * throw once their connection is closed, so a test that left one running keeps it open.
   */
  close(opts?: { keepTemporal?: boolean }): Promise<void>;
}

export interface TestApiOptions {
  db?: Knex;
  registrar?: Registrar;
  /** The app's logger (silent unless given: tests that scan what the API logs pass their own). */
  log?: Logger;
}

/** The API's dependencies over the test database and Temporal server. */
export function testAppDeps(
  db: Knex,
  overrides: Record<string, string> = {},
  opts: TestApiOptions = {},
): AppDeps {
  const config = testConfig(overrides);
  return {
    config,
    db: opts.db ?? db,
    temporal: createTemporalClient(
      config.TEMPORAL_ADDRESS,
      config.TEMPORAL_NAMESPACE,
      dataConverterOf(config),
    ),
    log: opts.log ?? silentLog,
    // Without a simulator, registrar reads fail fast (nothing listens on port 1).
    registrar:
      opts.registrar ?? createRegistrar({ ...config, DYNADOT_API_URL: 'http://127.0.0.1:1/api3.json' }),
    secrets: new SecretBox(config.SECRETS_KEY),
    gateways: createGateways(config),
    dnsAddon: createDnsAddon(config),
  };
}

/** The real app over the test database and the test Temporal server, on a random port. */
export async function startTestApi(
  db: Knex,
  overrides: Record<string, string> = {},
  opts: TestApiOptions = {},
): Promise<TestApi> {
  const deps = testAppDeps(db, overrides, opts);
  const { temporal } = deps;
  const app = createApp(deps, { pages: createPortal });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    temporal,
    flushLogs: () => app.apiLogs.flush(),
    credentialsCached: () => app.credentials.active,
    async close(opts = {}) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.apiLogs.close();
      await app.credentials.close();
      await app.limiters.close();
      if (!opts.keepTemporal) await temporal.connection.close();
    },
  };
}

export interface TestReseller {
  id: number;
  apiKey: string;
  token: string;
}

export async function makeReseller(
  db: Knex,
  opts: { ipAllowlist?: string[]; abilities?: Ability[]; currency?: string } = {},
): Promise<TestReseller> {
  const issued = await createReseller(db, {
    name: 'Test Reseller',
    email: `reseller-${randomUUID()}@example.test`,
    currency: opts.currency ?? 'USD',
    ipAllowlist: opts.ipAllowlist ?? ['127.0.0.1'],
    ...(opts.abilities ? { abilities: opts.abilities } : {}),
  });
  return { id: issued.reseller.id, apiKey: issued.apiKey, token: issued.token };
}

export interface TestAdmin {
  id: number;
  token: string;
}

/** An admin with one admin token carrying `abilities` (default: all). */
export async function makeAdmin(db: Knex, abilities?: AdminAbility[]): Promise<TestAdmin> {
  const admin = await createAdmin(db, 'system', {
    email: `admin-${randomUUID()}@example.test`,
    name: 'Test Admin',
  });
  const { secret } = await issueAdminToken(db, 'system', admin.id, { name: 'test', abilities });
  return { id: admin.id, token: secret };
}

export async function setResellerStatus(
  db: Knex,
  id: number,
  patch: Partial<Pick<Reseller, 'status' | 'role'>>,
) {
  await Reseller.query(db).patch(patch).where('id', id);
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  /** The body exactly as sent. */
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  await checkAnswer(url, init.method ?? 'GET', { status: res.status, headers: res.headers, text });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, headers: res.headers, body, text };
}

export interface RequestOptions {
  method?: string;
  /** Bearer token (reseller or admin). */
  token?: string;
  apiKey?: string;
  /** JSON body (POST unless `method` says otherwise). */
  body?: unknown;
  /** Idempotency-Key. */
  key?: string;
  /** Connect from this loopback address (to be outside a whitelist). */
  from?: string;
}

/** A JSON request to `base + path` with the credential, body and key given. */
export function request(base: string, path: string, opts: RequestOptions = {}): Promise<JsonResponse> {
  const init = {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers: {
      'Content-Type': 'application/json',
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.apiKey ? { 'X-API-KEY': opts.apiKey } : {}),
      ...(opts.key ? { 'Idempotency-Key': opts.key } : {}),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  };
  return opts.from ? callFrom(opts.from, `${base}${path}`, init) : call(`${base}${path}`, init);
}

/**
 * A client that does what a 503 asks: sends again (same request, same Idempotency-Key) after
 * `delayMs`, or the answer's Retry-After, until another status comes or `attempts` run out.
 * `onRetry` counts the retries.
 */
export async function retryWhileUnavailable(
  send: () => Promise<JsonResponse>,
  opts: { attempts: number; delayMs?: number; onRetry?: () => void },
): Promise<JsonResponse> {
  for (let attempt = 1; ; attempt += 1) {
    const res = await send();
    if (res.status !== 503 || attempt >= opts.attempts) return res;
    opts.onRetry?.();
    const delay = opts.delayMs ?? Number(res.headers.get('retry-after') ?? 5) * 1000;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * `call`, sent from another loopback address (the whole of 127.0.0.0/8 is this machine): how a
 * test reaches the API as a caller outside a whitelist.
 */
export function callFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<JsonResponse> {
  return new Promise<JsonResponse>((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers: {
          ...init.headers,
          ...(init.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(init.body)) }),
        },
        localAddress,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { raw: text };
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') headers.set(k, v);
            else for (const one of v ?? []) headers.append(k, one);
          }
          resolve({ status: res.statusCode ?? 0, headers, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  }).then(async (res) => {
    await checkAnswer(url, init.method ?? 'GET', res);
    return res;
  });
}
