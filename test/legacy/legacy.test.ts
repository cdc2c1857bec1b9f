import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeReseller, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { topUp } from '../order-helpers';

const h = useOrderHarness();
let r: TestReseller;

beforeAll(async () => {
  r = await makeReseller(h.db);
  await topUp(h.db, r.id, 100_000n);
});

const legacy = (
  body: Record<string, unknown>,
  opts: { key?: 'header' | 'body' | 'query' | 'none'; apiKey?: string } = {},
) => {
  const apiKey = opts.apiKey ?? r.apiKey;
  const where = opts.key ?? 'header';
  return call(`${h.api.url}/api/index.php${where === 'query' ? `?api_key=${apiKey}` : ''}`, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...(where === 'header' ? { 'X-API-KEY': apiKey } : {}),
    },
    body: JSON.stringify(where === 'body' ? { ...body, api_key: apiKey } : body),
  });
};

// The seed's own example payloads, verbatim.
const SEED_CHECK = { action: 'checkDomain', domainName: 'example.co.tz' };
const SEED_RENEW = { action: 'renewDomain', domainName: 'example.co.tz', period: 1 };
const SEED_REGISTER = {
  action: 'registerDomain',
  domainName: 'example.co.tz',
  period: 1,
  nameservers: ['ns1.yatosha.com', 'ns2.yatosha.com'],
  registrantInfo: {
    name: 'Domain Owner',
    organization: 'Owner Company',
    address: '123 Registry Road',
    city: 'Dar es Salaam',
    state: 'Dar es Salaam',
    postalCode: '11101',
    country: 'TZ',
    phone: '+255.754123456',
    email: 'owner@example.co.tz',
  },
  adminInfo: {
    name: 'Domain Admin',
    organization: 'Owner Company',
    address: '123 Registry Road',
    city: 'Dar es Salaam',
    state: 'Dar es Salaam',
    postalCode: '11101',
    country: 'TZ',
    phone: '+255.754123456',
    email: 'admin@example.co.tz',
  },
};

describe('legacy action API (POST /api/index.php)', () => {
  it('accepts the API key in the header, the body or the query, and refuses a missing one in its envelope', async () => {
    for (const key of ['header', 'body', 'query'] as const) {
      const res = await legacy({ action: 'getBalance' }, { key });
      expect(res.status, key).toBe(200);
      expect(res.body).toMatchObject({ status: 'success', data: { currency: 'USD', balance: '1000.00' } });
    }
    const none = await legacy({ action: 'getBalance' }, { key: 'none' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'error', code: 'unauthenticated', data: null });
    expect(none.body).not.toHaveProperty('success');
    const blocked = await makeReseller(h.db, { ipAllowlist: [] });
    expect((await legacy({ action: 'getBalance' }, { apiKey: blocked.apiKey })).status).toBe(403);
  });

  it('a refused billable action carries meta.balance_before/after too, and replays byte for byte under its key', async () => {
    const poor = await makeReseller(h.db);
    await topUp(h.db, poor.id, 1_000n);
    const body = { ...SEED_REGISTER, domainName: `poor-${Date.now()}.com` };
    const send = () =>
      call(`${h.api.url}/api/index.php`, {
        method: 'POST',
        headers: {
          'X-API-KEY': poor.apiKey,
          'Content-Type': 'application/json',
          'Idempotency-Key': `legacy-${body.domainName}`,
        },
        body: JSON.stringify(body),
      });
    const first = await send();
    expect(first.status).toBe(422);
    expect(first.body).toEqual({
      status: 'error',
      message: 'The wallet balance does not cover this order.',
      code: 'insufficient_balance',
      data: null,
      meta: { balance_before: '10.00', balance_after: '10.00', currency: 'USD' },
    });
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect([again.status, again.text]).toEqual([first.status, first.text]);
  });

  it('checkDomain (seed example)', async () => {
    const res = await legacy(SEED_CHECK);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'success',
      data: { domainName: 'example.co.tz', available: true, prices: { register: { amount_minor: '2500' } } },
    });
  });

  it('registerDomain with old field names (seed example), with balance_before and balance_after', async () => {
    const res = await legacy(SEED_REGISTER);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'success',
      message: 'Domain registered successfully.',
      data: { order: { domain_name: 'example.co.tz', status: 'completed' } },
      meta: { balance_before: '1000.00', balance_after: '975.00', currency: 'USD' },
    });
    const contactIds = Object.values(h.sim.domains.get('example.co.tz')!.contacts);
    const stored = contactIds.map((id) => h.sim.contacts.get(id)!);
    expect(stored[0]).toMatchObject({ address1: '123 Registry Road', zip: '11101', name: 'Domain Owner' });
    expect(stored[1]).toMatchObject({ name: 'Domain Admin' });
  });

  it('renewDomain (seed example)', async () => {
    const res = await legacy(SEED_RENEW);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'success',
      meta: { balance_before: '975.00', balance_after: '950.00' },
    });
    expect(h.sim.count('renew', 'example.co.tz')).toBe(1);
  });

  it('getDomainInfo, getNameservers and updateNameservers', async () => {
    const info = await legacy({ action: 'getDomainInfo', domainName: 'example.co.tz' });
    expect(info.body).toMatchObject({
      status: 'success',
      data: { domain: { domain_name: 'example.co.tz', nameservers: ['ns1.yatosha.com', 'ns2.yatosha.com'] } },
    });
    // Read from our record (with its registrar sync state).
    expect(
      (await legacy({ action: 'getNameservers', domainName: 'example.co.tz' })).body['data'],
    ).toMatchObject({
      nameservers: ['ns1.yatosha.com', 'ns2.yatosha.com'],
    });
    const upd = await legacy({
      action: 'updateNameservers',
      domainName: 'example.co.tz',
      nameservers: ['ns1.example.net', 'ns2.example.net'],
    });
    expect(upd.body).toMatchObject({ status: 'success', message: 'Nameservers updated.' });
    expect(h.sim.domains.get('example.co.tz')!.nameservers).toEqual(['ns1.example.net', 'ns2.example.net']);
  });

  it('getContactDetails / getWhois and updateContactDetails / updateWhois with old field names', async () => {
    for (const action of ['getContactDetails', 'getWhois']) {
      const res = await legacy({ action, domainName: 'example.co.tz' });
      expect(res.body).toMatchObject({
        status: 'success',
        data: {
          registrantInfo: { name: 'Domain Owner', address: '123 Registry Road', postalCode: '11101' },
          adminInfo: { name: 'Domain Admin' },
        },
      });
    }
    for (const [i, action] of ['updateContactDetails', 'updateWhois'].entries()) {
      const res = await legacy({
        action,
        domainName: 'example.co.tz',
        registrantInfo: { ...SEED_REGISTER.registrantInfo, name: `New Owner ${i}` },
        adminInfo: SEED_REGISTER.adminInfo,
      });
      expect(res.body, action).toMatchObject({ status: 'success', message: 'Contact details updated.' });
      const read = await legacy({ action: 'getWhois', domainName: 'example.co.tz' });
      expect(read.body['data']).toMatchObject({ registrantInfo: { name: `New Owner ${i}` } });
    }
  });

  it('getEPPCode', async () => {
    const res = await legacy({ action: 'getEPPCode', domainName: 'example.co.tz' });
    expect(res.body).toMatchObject({
      status: 'success',
      data: { eppCode: h.sim.domains.get('example.co.tz')!.authCode },
    });
    await h.api.flushLogs();
    const logRows = (await h.db('api_logs').where({ resellerId: r.id })) as unknown[];
    expect(logRows.length).toBeGreaterThan(0);
    const logs = JSON.stringify(logRows);
    expect(logs).not.toContain(h.sim.domains.get('example.co.tz')!.authCode);
  });

  it('transferDomain with authCode, billed with the transfer price', async () => {
    const res = await legacy({
      action: 'transferDomain',
      domainName: 'taken-legacy.co.tz',
      authCode: 'EPP-LEGACY-1',
    });
    expect([201, 202]).toContain(res.status);
    expect(res.body).toMatchObject({ status: 'success', meta: { balance_before: '950.00' } });
    expect(h.sim.count('transfer', 'taken-legacy.co.tz')).toBe(1);
  });

  it('answers an unknown action and bad fields with clear errors in the legacy envelope', async () => {
    const unknown = await legacy({ action: 'deleteEverything' });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      status: 'error',
      code: 'validation_error',
      errors: { action: ['Unknown or missing action.'] },
    });
    const missing = await legacy({ action: 'renewDomain' });
    expect(missing.body).toMatchObject({
      status: 'error',
      errors: { domainName: ['The domainName field is required.'] },
    });
    const notMine = await legacy({ action: 'getNameservers', domainName: 'someone-else.com' });
    expect(notMine.status).toBe(404);
    expect(notMine.body).toMatchObject({ status: 'error', code: 'domain_not_found' });
    const poor = await makeReseller(h.db);
    const broke = await legacy(
      { ...SEED_REGISTER, domainName: 'poor-legacy.co.tz' },
      { apiKey: poor.apiKey },
    );
    expect(broke.status).toBe(422);
    expect(broke.body).toMatchObject({ status: 'error', code: 'insufficient_balance' });
  });
});
