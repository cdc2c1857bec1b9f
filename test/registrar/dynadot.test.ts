import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynadotClient } from '../../src/registrar';
import type { DynadotRegistrar } from '../../src/registrar/dynadot/client';
import { MemoryAccountLimiter } from '../../src/registrar/limiter';
import { freePort } from '../../src/utils/ports';
import { parseEnvelope, redactUrl, buildUrl } from '../../src/registrar/dynadot/wire';
import { RegistrarError } from '../../src/registrar/errors';
import { RegistrarSimulator } from '../../simulators/registrar/server';
import { SEED_CONTACT } from '../order-helpers';

describe('api3 envelope parsing', () => {
  it('accepts numeric and string success codes, with or without Status', () => {
    expect(
      parseEnvelope('register', {
        RegisterResponse: { ResponseCode: 0, Status: 'success', DomainName: 'a.com' },
      }),
    ).toMatchObject({
      DomainName: 'a.com',
    });
    expect(
      parseEnvelope('search', { SearchResponse: { ResponseCode: '0', SearchResults: [] } }),
    ).toMatchObject({ SearchResults: [] });
    // Older shape: the code sits in a …Header object.
    expect(
      parseEnvelope('domain_info', {
        DomainInfoResponse: { DomainInfoHeader: { SuccessCode: '0', Status: 'success' }, DomainInfo: {} },
      }),
    ).toHaveProperty('DomainInfo');
  });

  it.each([
    [{ RegisterResponse: { ResponseCode: '-1', Status: 'error', Error: 'invalid auth code' } }, 'rejected'],
    [{ RegisterResponse: { ResponseCode: '1', Status: 'not_available' } }, 'rejected'],
    [{ RegisterResponse: { ResponseCode: '5', Status: 'system_busy' } }, 'retryable'],
    [{ Response: { ResponseCode: '-1', Error: 'problem with connection to main server' } }, 'retryable'],
    [
      {
        DomainInfoResponse: {
          ResponseCode: '-1',
          Status: 'error',
          Error: 'could not find domain in your account',
        },
      },
      'not_found',
    ],
    [{ Weird: 'shape' }, 'retryable'],
    ['not json', 'retryable'],
  ] as const)('classifies %j as %s', (body, kind) => {
    try {
      parseEnvelope('register', body);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RegistrarError);
      expect((err as RegistrarError).kind).toBe(kind);
    }
  });

  it('never shows the API key or auth codes in a loggable URL', () => {
    const url = buildUrl('https://api.dynadot.com/api3.json', 'SECRETKEY', 'transfer', {
      domain: 'a.com',
      auth: 'EPP1',
    });
    expect(url.searchParams.get('key')).toBe('SECRETKEY');
    expect(redactUrl(url)).not.toMatch(/SECRETKEY|EPP1/);
  });
});

describe('Dynadot client against the simulator', () => {
  // A bulk account (5 threads) whose client keeps to 2 of them.
  const sim = new RegistrarSimulator({ apiKey: 'k', timeoutHoldMs: 2_000, transferPollsToComplete: 1 });
  let client: DynadotRegistrar;

  beforeAll(async () => {
    await sim.start();
    client = dynadotClient({
      apiUrl: sim.apiUrl,
      apiKey: 'k',
      level: 'bulk',
      timeoutMs: 500,
      throttlePauseMs: 50,
      limiter: new MemoryAccountLimiter({ threads: 2, callsPerWindow: 600, windowMs: 60_000 }),
    });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('searches in bulk with prices and premium flags', async () => {
    const res = await client.search(['free.com', 'taken.com', 'premium1.io']);
    expect(res).toEqual([
      {
        domain: 'free.com',
        available: true,
        premium: false,
        price: { amountMinor: 1099n, currency: 'USD' },
        renewal: { amountMinor: 1149n, currency: 'USD' },
      },
      { domain: 'taken.com', available: false, premium: false, price: undefined, renewal: undefined },
      {
        domain: 'premium1.io',
        available: true,
        premium: true,
        price: { amountMinor: 50_000n, currency: 'USD' },
        renewal: { amountMinor: 50_000n, currency: 'USD' },
      },
    ]);
    // One bulk call for the three names.
    expect(sim.calls.get('search')).toBe(1);
  });

  it('registers with contacts and nameservers, then reads the domain back', async () => {
    const res = await client.register({
      domain: 'fresh.com',
      years: 2,
      contacts: { registrant: SEED_CONTACT, admin: SEED_CONTACT },
    });
    expect(res.domain).toBe('fresh.com');
    // Nameservers are a step of their own, after the registration.
    expect(sim.calls.get('set_ns')).toBeUndefined();
    await client.setNameservers('fresh.com', ['ns1.example.net', 'ns2.example.net']);
    // The admin is the registrant: the registrar holds one contact for both roles.
    expect(sim.contacts.size).toBe(1);
    const only = [...sim.contacts.keys()][0];
    expect(sim.domains.get('fresh.com')?.contacts).toEqual({ registrant: only, admin: only });
    const stored = [...sim.contacts.values()][0]!;
    expect(stored).toMatchObject({ phonecc: '255', phonenum: '754123456', country: 'TZ', zip: '11101' });
    const info = await client.info('fresh.com');
    expect(info).toMatchObject({
      domain: 'fresh.com',
      nameservers: ['ns1.example.net', 'ns2.example.net'],
      locked: false,
    });
    expect(info!.expiresAt!.getTime()).toBe(res.expiresAt!.getTime());
    expect(await client.getNameservers('fresh.com')).toEqual(['ns1.example.net', 'ns2.example.net']);
    expect(await client.info('absent.com')).toBeNull();
  });

  it('creates a second contact only when the admin differs from the registrant', async () => {
    const ids = await client.createContacts({
      registrant: SEED_CONTACT,
      admin: { ...SEED_CONTACT, name: 'Domain Admin', email: 'admin@example.co.tz' },
    });
    expect(ids.admin).not.toBe(ids.registrant);
    expect(sim.contacts.get(ids.admin)).toMatchObject({ name: 'Domain Admin', email: 'admin@example.co.tz' });
    await client.register({ domain: 'two.com', years: 1, contactIds: ids });
    expect(sim.domains.get('two.com')?.contacts).toEqual(ids);
    expect(sim.calls.get('create_contact')).toBe(2);
  });

  it('guards renewals with the current expiry year', async () => {
    const expiry = new Date(Date.UTC(2030, 0, 15));
    sim.seedDomain('old.com', expiry);
    await expect(
      client.renew({ domain: 'old.com', years: 1, currentExpiryYear: 2029 }),
    ).rejects.toMatchObject({
      kind: 'rejected',
    });
    const res = await client.renew({ domain: 'old.com', years: 1, currentExpiryYear: 2030 });
    expect(res.expiresAt!.getUTCFullYear()).toBe(2031);
    // A retry of the same renew cannot apply twice: the year no longer matches.
    await expect(
      client.renew({ domain: 'old.com', years: 1, currentExpiryYear: 2030 }),
    ).rejects.toMatchObject({
      kind: 'rejected',
    });
    expect(sim.count('renew', 'old.com')).toBe(1);
  });

  it('submits a transfer and follows its status', async () => {
    const { orderId } = await client.transfer({ domain: 'taken-x.com', authCode: 'GOOD' });
    expect(orderId).toMatch(/^\d+$/);
    expect(await client.transferStatus('taken-x.com')).toEqual({
      orderId,
      state: 'completed',
      text: 'Transferred',
    });
    await expect(client.transfer({ domain: 'taken-y.com', authCode: 'BADAUTH' })).rejects.toMatchObject({
      kind: 'rejected',
      message: 'invalid auth code',
    });
  });

  it('manages lock, privacy, auth code and DNS', async () => {
    sim.seedDomain('manage.com', new Date(Date.now() + 1e10));
    await client.setLock('manage.com', false);
    expect(sim.domains.get('manage.com')!.locked).toBe(false);
    await client.setLock('manage.com', true);
    expect(sim.domains.get('manage.com')!.locked).toBe(true);
    await client.setPrivacy('manage.com', 'full');
    expect((await client.info('manage.com'))!.privacy).toBe('full');
    expect(await client.getAuthCode('manage.com')).toBe(sim.domains.get('manage.com')!.authCode);
    const records = [
      { type: 'A' as const, name: '@', value: '203.0.113.10', ttl: 3600 },
      { type: 'MX' as const, name: '@', value: 'mail.manage.com', ttl: 3600, priority: 10 },
      { type: 'CNAME' as const, name: 'www', value: 'manage.com', ttl: 3600 },
    ];
    await client.setDns('manage.com', records);
    expect(await client.getDns('manage.com')).toEqual(records);
    await expect(
      client.setDns('manage.com', [{ type: 'SRV', name: '_sip._tcp', value: 'x', ttl: 60 }]),
    ).rejects.toMatchObject({
      kind: 'unsupported',
    });
  });

  it.each([
    ['error', 'HTTP 500'],
    ['busy', 'busy'],
    ['throttle', '429'],
    ['timeout', 'timed out'],
    ['lost', 'connection failed'],
  ] as const)('turns an injected %s into a retryable error', async (fault, text) => {
    sim.failNextCall(fault, 'register');
    const err = (await client
      .register({ domain: 'faulty.com', years: 1 })
      .catch((e: unknown) => e)) as RegistrarError;
    expect(err).toBeInstanceOf(RegistrarError);
    expect(err.kind).toBe('retryable');
    expect(err.message).toContain(text);
    // "lost" applied the registration; the others did not.
    expect(sim.domains.has('faulty.com')).toBe(fault === 'lost');
  });

  it('never has more calls in flight than the account allows', async () => {
    sim.setFaults({ latencyMs: 100 });
    let peak = 0;
    const watcher = setInterval(() => (peak = Math.max(peak, client.inFlight)), 5);
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.search([`n${i}.com`])));
    clearInterval(watcher);
    expect(peak).toBeLessThanOrEqual(2);
    // 8 calls of 100 ms, 2 at a time, cannot finish in under 4 × 100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('rejects a wrong API key', async () => {
    const wrong = dynadotClient({ apiUrl: sim.apiUrl, apiKey: 'nope', level: 'bulk', timeoutMs: 500 });
    await expect(wrong.search(['a.com'])).rejects.toMatchObject({
      kind: 'rejected',
      message: 'Invalid api key',
    });
  });

  it('tells a refused connection (nothing sent) from a dropped one (maybe applied)', async () => {
    // A port nothing listens on (fetch refuses well-known ports such as 1 itself, without connecting).
    const closed = dynadotClient({
      apiUrl: `http://127.0.0.1:${await freePort()}/api3.json`,
      apiKey: 'k',
      level: 'bulk',
      timeoutMs: 500,
    });
    await expect(closed.register({ domain: 'a.com', years: 1 })).rejects.toMatchObject({
      kind: 'retryable',
      message: 'registrar connection refused',
    });
    sim.failNextCall('lost', 'register');
    await expect(client.register({ domain: 'dropped.com', years: 1 })).rejects.toMatchObject({
      kind: 'retryable',
      message: 'registrar connection failed',
    });
  });
});
