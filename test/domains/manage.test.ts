import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeReseller, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, uniqueName } from '../order-helpers';

// Registrar-hosted DNS: these domains have no DNS addon (test/dns/hosted.test.ts covers the addon).
const h = useOrderHarness({ apiEnv: { DNS_ADDON_URL: '' } });
let r: TestReseller;

beforeAll(async () => {
  r = await makeReseller(h.db);
});

/** A domain in both the registrar's account and the reseller's portal. */
async function ownDomain(resellerId: number, overrides: { localExpiry?: Date } = {}) {
  const name = uniqueName('own');
  const expiry = new Date(Date.UTC(2030, 2, 1));
  h.sim.seedDomain(name, expiry, {
    locked: true,
    privacy: 'partial',
    nameservers: ['ns1.registrar.test', 'ns2.registrar.test'],
  });
  const [row] = (await h
    .db('domains')
    .insert({
      resellerId,
      name,
      expiresAt: overrides.localExpiry ?? expiry,
      locked: true,
      privacy: 'partial',
      nameservers: ['ns1.registrar.test', 'ns2.registrar.test'],
    })
    .returning('id')) as Array<{ id: number }>;
  return { name, id: row!.id };
}

const api = (method: string, path: string, body?: unknown, key = r.apiKey) =>
  call(`${h.api.url}/api/v1${path}`, {
    method,
    headers: { 'X-API-KEY': key, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('domain management (seed 003)', () => {
  it('syncs from the registrar and records drift as an audit event', async () => {
    const d = await ownDomain(r.id, { localExpiry: new Date(Date.UTC(2029, 0, 1)) });
    h.sim.domains.get(d.name)!.locked = false;
    const res = await api('POST', `/domains/${d.name}/sync`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      message: 'Domain synced successfully.',
      data: {
        domain: { domain_name: d.name, locked: false, expires_at: '2030-03-01T00:00:00.000Z' },
        drift: ['expiresAt', 'locked'],
      },
    });
    const audit = (await h
      .db('audit_events')
      .where({ type: 'registrar_drift', subjectId: d.name })
      .first()) as { data: { drift: Record<string, unknown> } };
    expect(Object.keys(audit.data.drift).sort()).toEqual(['expiresAt', 'locked']);
  });

  it('reads and updates nameservers (2 to 6 valid hostnames)', async () => {
    const d = await ownDomain(r.id);
    expect((await api('GET', `/domains/${d.name}/nameservers`)).body['data']).toEqual({
      nameservers: ['ns1.registrar.test', 'ns2.registrar.test'],
      registrar_synced: true,
      registrar_synced_at: null,
    });
    const ok = await api('POST', `/domains/${d.id}/nameservers`, {
      nameservers: ['NS1.Yatosha.com.', 'ns2.yatosha.com'],
    });
    expect(ok.status).toBe(200);
    expect(h.sim.domains.get(d.name)!.nameservers).toEqual(['ns1.yatosha.com', 'ns2.yatosha.com']);
    expect(await h.db('domains').where({ id: d.id }).first('nameservers')).toEqual({
      nameservers: ['ns1.yatosha.com', 'ns2.yatosha.com'],
    });
    // Read back from our record at once, marked as not shown by the registrar yet.
    expect((await api('GET', `/domains/${d.name}/nameservers`)).body['data']).toMatchObject({
      nameservers: ['ns1.yatosha.com', 'ns2.yatosha.com'],
      registrar_synced: false,
    });
    for (const [nameservers, message] of [
      [['ns1.example.com'], 'Send 2 to 6 nameservers.'],
      [Array.from({ length: 7 }, (_, i) => `ns${i}.example.com`), 'Send 2 to 6 nameservers.'],
      [['ns1.example.com', 'not a host'], 'Each nameserver must be a valid hostname.'],
    ] as const) {
      const bad = await api('POST', `/domains/${d.name}/nameservers`, { nameservers });
      expect(bad.status).toBe(422);
      expect(JSON.stringify(bad.body['errors'])).toContain(message);
    }
  });

  it('updates and reads Whois contacts with field validation', async () => {
    const d = await ownDomain(r.id);
    const admin = { ...SEED_CONTACT, name: 'Domain Admin', email: 'admin@example.co.tz' };
    const res = await api('POST', `/domains/${d.name}/whois`, { registrant: SEED_CONTACT, admin });
    expect(res.status).toBe(200);
    const read = await api('GET', `/domains/${d.name}/whois`);
    expect(read.body['data']).toMatchObject({
      registrant: SEED_CONTACT,
      admin: { name: 'Domain Admin', email: 'admin@example.co.tz' },
    });
    const bad = await api('POST', `/domains/${d.name}/whois`, {
      registrant: { ...SEED_CONTACT, email: 'nope', phone: '12345', country: 'TZA' },
      admin,
    });
    expect(bad.status).toBe(422);
    expect(bad.body['errors']).toEqual({
      'registrant.email': ['The email must be a valid email address.'],
      'registrant.phone': ['The phone must look like +255.754123456.'],
      'registrant.country': ['The country must be a two-letter ISO 3166-1 code.'],
    });
  });

  it('returns the EPP code without logging it, and says setting one is unsupported', async () => {
    const d = await ownDomain(r.id);
    const res = await api('POST', `/domains/${d.name}/epp-code`);
    expect(res.status).toBe(200);
    const code = h.sim.domains.get(d.name)!.authCode;
    expect(res.body['data']).toEqual({ epp_code: code });
    const put = await api('PUT', `/domains/${d.name}/epp-code`, { epp_code: 'MINE-123' });
    expect(put.status).toBe(422);
    expect(put.body).toMatchObject({ code: 'unsupported_capability' });
    await h.api.flushLogs();
    const logRows = (await h.db('api_logs').where({ resellerId: r.id })) as unknown[];
    expect(logRows.length).toBeGreaterThan(0);
    const logs = JSON.stringify(logRows);
    expect(logs).not.toContain(code);
    expect(logs).not.toContain('MINE-123');
  });

  it('reads and sets lock and privacy', async () => {
    const d = await ownDomain(r.id);
    expect((await api('GET', `/domains/${d.name}/lock`)).body['data']).toMatchObject({
      locked: true,
      registrar_synced: true,
    });
    expect((await api('PUT', `/domains/${d.name}/lock`, { locked: false })).status).toBe(200);
    expect(h.sim.domains.get(d.name)!.locked).toBe(false);
    expect((await api('GET', `/domains/${d.name}/lock`)).body['data']).toMatchObject({
      locked: false,
      registrar_synced: false,
    });
    expect((await api('PUT', `/domains/${d.name}/lock`, { locked: 'maybe' })).status).toBe(422);

    expect((await api('GET', `/domains/${d.name}/privacy`)).body['data']).toMatchObject({
      enabled: true,
      privacy: 'partial',
    });
    const off = await api('PUT', `/domains/${d.name}/privacy`, { enabled: false });
    expect(off.body['data']).toEqual({ enabled: false, privacy: 'off' });
    expect(h.sim.domains.get(d.name)!.privacy).toBe('off');
  });

  it("answers 404 for another reseller's domain on every management endpoint", async () => {
    const d = await ownDomain(r.id);
    const other = await makeReseller(h.db);
    const cases: Array<[string, string, unknown?]> = [
      ['POST', `/domains/${d.name}/sync`],
      ['GET', `/domains/${d.name}/nameservers`],
      ['POST', `/domains/${d.name}/nameservers`, { nameservers: ['a.example.com', 'b.example.com'] }],
      ['GET', `/domains/${d.name}/whois`],
      ['POST', `/domains/${d.name}/epp-code`],
      ['GET', `/domains/${d.id}/lock`],
      ['PUT', `/domains/${d.name}/privacy`, { enabled: true }],
      ['GET', `/domains/${d.name}/dns`],
      ['POST', `/domains/${d.name}/dns/provision`, { confirm: true }],
      ['POST', `/domains/${d.name}/dns/records`, { type: 'A', name: 'www', value: '203.0.113.10' }],
      ['DELETE', `/domains/${d.name}/dns/records/1`],
      ['PUT', `/domains/${d.name}/dns/dnssec`, { enabled: true }],
      ['DELETE', `/domains/${d.name}/dns`],
    ];
    for (const [method, path, body] of cases) {
      const res = await api(method, path, body, other.apiKey);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body['code'], `${method} ${path}`).toBe('domain_not_found');
    }
  });
});

describe('DNS (seed 003 records, seed 000 replace and push)', () => {
  it('requires DNS management, then creates, updates and deletes records and publishes them', async () => {
    const d = await ownDomain(r.id);
    expect((await api('GET', `/domains/${d.name}/dns`)).body['data']).toEqual({
      dns: {
        status: 'inactive',
        mode: null,
        supported_types: ['A', 'AAAA', 'CNAME', 'MX', 'TXT'],
        push: null,
        hosted: null,
      },
      records: [],
    });
    const early = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'A',
      name: 'www',
      value: '203.0.113.10',
    });
    expect(early.status).toBe(422);
    expect(early.body['code']).toBe('dns_not_active');
    expect((await api('POST', `/domains/${d.name}/dns/provision`, {})).status).toBe(422);
    expect((await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true })).status).toBe(200);

    const a = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'A',
      name: 'www',
      value: '203.0.113.10',
      ttl: 14400,
    });
    expect(a.status).toBe(201);
    expect(a.body['data']).toMatchObject({
      record: { line: 1, type: 'A', name: 'www', value: '203.0.113.10', ttl: 14400 },
    });
    const mx = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'MX',
      name: '@',
      value: 'mail.example.co.tz.',
      priority: 10,
    });
    expect(mx.body['data']).toMatchObject({
      record: { line: 2, type: 'MX', value: 'mail.example.co.tz', priority: 10, ttl: 14400 },
    });
    const txt = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'TXT',
      name: '@',
      value: 'v=spf1 ~all',
    });
    const txtId = (txt.body['data'] as { record: { id: number } }).record.id;

    const upd = await api('PUT', `/domains/${d.name}/dns/records/3`, {
      type: 'TXT',
      name: '@',
      value: 'v=spf1 include:example.net ~all',
      ttl: 3600,
    });
    expect(upd.status).toBe(200);
    expect(upd.body['data']).toMatchObject({
      record: { line: 3, id: txtId, value: 'v=spf1 include:example.net ~all', ttl: 3600 },
    });
    expect((await api('DELETE', `/domains/${d.name}/dns/records/${txtId}`)).status).toBe(200);
    expect((await api('DELETE', `/domains/${d.name}/dns/records/99`)).status).toBe(404);

    const conflict = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'CNAME',
      name: 'www',
      value: 'target.example.com',
    });
    expect(conflict.status).toBe(422);
    expect(conflict.body['code']).toBe('cname_conflict');

    await eventually(async () => {
      const view = (await api('GET', `/domains/${d.name}/dns`)).body['data'] as {
        dns: { push: { status: string } };
      };
      return view.dns.push.status === 'in_sync';
    });
    const published = h.sim.domains.get(d.name)!.dns;
    expect(published.sub).toEqual([{ RecordType: 'a', Value: '203.0.113.10', Subhost: 'www' }]);
    expect(published.main).toEqual([{ RecordType: 'mx', Value: 'mail.example.co.tz', RecordValue2: '10' }]);

    expect((await api('DELETE', `/domains/${d.name}/dns`)).body['data']).toMatchObject({
      dns: { status: 'cancelled' },
      records: [],
    });
  });

  it.each([
    [{ type: 'A', name: 'www', value: '2001:db8::1' }, 'value', 'An A record needs an IPv4 address.'],
    [{ type: 'AAAA', name: 'www', value: '203.0.113.1' }, 'value', 'An AAAA record needs an IPv6 address.'],
    [{ type: 'CNAME', name: 'www', value: 'not a host' }, 'value', 'A CNAME record needs a valid hostname.'],
    [
      { type: 'CNAME', name: '@', value: 'example.com' },
      'name',
      'A CNAME record cannot be at the zone root (@).',
    ],
    [
      { type: 'MX', name: '@', value: 'mail.example.com' },
      'priority',
      'An MX record needs a priority (0-65535).',
    ],
    [
      { type: 'MX', name: '@', value: 'mail.example.com', priority: 70000 },
      'priority',
      'The priority must be between 0 and 65535.',
    ],
    [
      { type: 'NS', name: 'sub', value: '203.0.113.1' },
      'value',
      'A NS record points at a hostname, not an IP address.',
    ],
    [
      { type: 'SRV', name: 'sip', value: 'sip.example.com', priority: 1, weight: 1, port: 5060 },
      'name',
      'An SRV record name must look like _service._tcp or _service._udp.',
    ],
    [
      { type: 'SRV', name: '_sip._tcp', value: 'sip.example.com', priority: 1, weight: 1 },
      'port',
      'An SRV record needs a port (0-65535).',
    ],
    [
      { type: 'CAA', name: '@', value: 'letsencrypt.org', flags: 0, tag: 'bogus' },
      'tag',
      'A CAA record tag must be issue, issuewild or iodef.',
    ],
    [
      { type: 'TXT', name: '@', value: 'bad\u0001value' },
      'value',
      'A TXT record may only contain printable characters.',
    ],
    [
      { type: 'TXT', name: '@', value: 'x'.repeat(4097) },
      'value',
      'A TXT record may not be longer than 4096 characters.',
    ],
    [
      { type: 'A', name: 'bad name!', value: '203.0.113.1' },
      'name',
      'The name must be @, *, or a hostname label such as www, mail or _sip._tcp.',
    ],
    [
      { type: 'A', name: 'www', value: '203.0.113.1', ttl: 30 },
      'ttl',
      'The ttl must be at least 60 seconds.',
    ],
    [
      { type: 'A', name: 'www', value: '203.0.113.1', ttl: 90000 },
      'ttl',
      'The ttl may not be greater than 86400 seconds.',
    ],
    [
      { type: 'PTR', name: 'www', value: 'x' },
      'type',
      'The type must be one of A, AAAA, CNAME, MX, TXT, SRV, CAA, NS.',
    ],
  ])('rejects %j (%s)', async (record, field, message) => {
    const d = await ownDomain(r.id);
    const res = await api('POST', `/domains/${d.name}/dns/records`, record);
    expect(res.status).toBe(422);
    expect((res.body['errors'] as Record<string, string[]>)[field]).toContain(message);
  });

  it('accepts IDN names and values, wildcard and service labels', async () => {
    const d = await ownDomain(r.id);
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    const cases = [
      [
        { type: 'CNAME', name: 'bücher', value: 'münchen.example.' },
        { name: 'xn--bcher-kva', value: 'xn--mnchen-3ya.example' },
      ],
      [{ type: 'A', name: '*', value: '203.0.113.9' }, { name: '*' }],
      [{ type: 'A', name: '_dmarc-test', value: '203.0.113.9' }, { name: '_dmarc-test' }],
      [{ type: 'AAAA', name: 'v6', value: '2001:db8::1' }, { value: '2001:db8::1' }],
    ] as const;
    for (const [record, expected] of cases) {
      const res = await api('POST', `/domains/${d.name}/dns/records`, record);
      expect(res.status, JSON.stringify(record)).toBe(201);
      expect((res.body['data'] as { record: unknown }).record).toMatchObject(expected);
    }
  });

  it('refuses record types the registrar cannot publish when they are written, naming the type', async () => {
    const d = await ownDomain(r.id);
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    const cases = [
      { type: 'SRV', name: '_sip._tcp', value: 'sip.example.com', priority: 10, weight: 5, port: 5060 },
      { type: 'CAA', name: '@', value: 'letsencrypt.org', flags: 0, tag: 'issue' },
      { type: 'NS', name: 'sub', value: 'ns1.example.com' },
    ];
    for (const record of cases) {
      const res = await api('POST', `/domains/${d.name}/dns/records`, record);
      expect(res.status, record.type).toBe(422);
      expect(res.body, record.type).toMatchObject({
        success: false,
        code: 'unsupported_capability',
        message: `The provider cannot publish ${record.type} records; it supports A, AAAA, CNAME, MX, TXT.`,
      });
    }
    // The seed-000 replace refuses the whole set, and changes nothing.
    const replaced = await call(`${h.api.url}/api/reseller/v1/domains/dns`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `caa-${d.name}`,
      },
      body: JSON.stringify({
        domain: d.name,
        records: [
          { type: 'A', name: '@', value: '203.0.113.10' },
          { type: 'CAA', name: '@', value: 'letsencrypt.org', flags: 0, tag: 'issue' },
        ],
        push: true,
      }),
    });
    expect(replaced.status).toBe(422);
    expect(replaced.body['code']).toBe('unsupported_capability');
    expect(await h.db('dns_records').where({ domainId: d.id })).toEqual([]);
  });

  it('provisions from the zone the registrar publishes, pushing nothing until a change', async () => {
    const d = await ownDomain(r.id);
    const live = {
      main: [
        { RecordType: 'a', Value: '203.0.113.5' },
        { RecordType: 'mx', Value: 'mail.example.net', RecordValue2: '10' },
      ],
      sub: [{ RecordType: 'cname', Value: 'shop.example.net', Subhost: 'www' }],
      ttl: 3600,
    };
    h.sim.domains.get(d.name)!.dns = structuredClone(live);
    const pushesBefore = h.sim.calls.get('set_dns2') ?? 0;
    const provisioned = await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    expect(provisioned.status).toBe(200);
    const view = (await api('GET', `/domains/${d.name}/dns`)).body['data'] as {
      dns: { status: string; push: { status: string } };
      records: Array<Record<string, unknown>>;
    };
    expect(view.dns).toMatchObject({ status: 'active', push: { status: 'in_sync' } });
    expect(
      view.records.map(({ type, name, value, ttl, priority }) => ({ type, name, value, ttl, priority })),
    ).toEqual([
      { type: 'A', name: '@', value: '203.0.113.5', ttl: 3600, priority: undefined },
      { type: 'MX', name: '@', value: 'mail.example.net', ttl: 3600, priority: 10 },
      { type: 'CNAME', name: 'www', value: 'shop.example.net', ttl: 3600, priority: undefined },
    ]);
    // The live zone is untouched by provisioning: not even written back as it was.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(h.sim.domains.get(d.name)!.dns).toEqual(live);
    expect((h.sim.calls.get('set_dns2') ?? 0) - pushesBefore).toBe(0);

    // A change publishes the imported records with it: nothing of the live zone is lost.
    const txt = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'TXT',
      name: '@',
      value: 'v=spf1 -all',
      ttl: 3600,
    });
    expect(txt.status).toBe(201);
    await eventually(() => h.sim.domains.get(d.name)!.dns.main.length === 3, 30_000);
    const zone = h.sim.domains.get(d.name)!.dns;
    expect(zone.main).toEqual([...live.main, { RecordType: 'txt', Value: 'v=spf1 -all' }]);
    expect(zone.sub).toEqual(live.sub);
  });

  it('retries a push while the registrar fails and publishes once it recovers', async () => {
    const d = await ownDomain(r.id);
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    await eventually(
      async () =>
        ((await h.db('dns_zones').where({ domainId: d.id }).first('pushStatus')) as { pushStatus: string })
          .pushStatus === 'pushed',
    );
    h.sim.failNextCall('error', 'set_dns2', 3);
    await api('POST', `/domains/${d.name}/dns/records`, { type: 'A', name: 'app', value: '198.51.100.7' });
    await eventually(
      () => h.sim.domains.get(d.name)!.dns.sub.some((s) => s['Value'] === '198.51.100.7'),
      30_000,
    );
    // The registrar holds the records a moment before the push activity records that it does.
    const zone = async () =>
      (await h.db('dns_zones').where({ domainId: d.id }).first()) as {
        version: number;
        pushedVersion: number;
        pushStatus: string;
      };
    await eventually(async () => (await zone()).pushStatus === 'pushed', 5_000).catch(() => undefined);
    const pushed = await zone();
    expect(pushed.pushStatus).toBe('pushed');
    expect(pushed.pushedVersion).toBe(pushed.version);
  });

  it('keeps a consistent record set under 20 concurrent edits', async () => {
    const d = await ownDomain(r.id);
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('POST', `/domains/${d.name}/dns/records`, {
          type: 'A',
          name: `host${i}`,
          value: `192.0.2.${i + 1}`,
        }),
      ),
    );
    expect(results.map((x) => x.status)).toEqual(Array<number>(20).fill(201));
    const rows = (await h.db('dns_records').where({ domainId: d.id }).orderBy('line')) as Array<{
      line: number;
      name: string;
    }>;
    expect(rows.map((x) => x.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((x) => x.name)).size).toBe(20);
    await eventually(() => h.sim.domains.get(d.name)!.dns.sub.length === 20, 30_000);
    const zone = (await h.db('dns_zones').where({ domainId: d.id }).first()) as {
      version: number;
      pushedVersion: number;
    };
    await eventually(
      async () =>
        (
          (await h.db('dns_zones').where({ domainId: d.id }).first('pushedVersion')) as {
            pushedVersion: number;
          }
        ).pushedVersion === zone.version,
    );
  });

  it('replaces the record set atomically (seed 000 PUT /domains/dns) and pushes on request', async () => {
    const d = await ownDomain(r.id);
    const put = (records: unknown[], push: boolean, key: string) =>
      call(`${h.api.url}/api/reseller/v1/domains/dns`, {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${r.token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
        },
        body: JSON.stringify({ domain: d.name, records, push }),
      });
    const first = await put(
      [
        { type: 'A', name: '@', value: '203.0.113.10' },
        { type: 'CNAME', name: 'www', value: d.name },
      ],
      false,
      `replace-1-${d.name}`,
    );
    expect(first.status).toBe(200);
    expect((first.body['data'] as { records: unknown[] }).records).toHaveLength(2);
    // Invalid sets change nothing (CNAME beside another record at the same name).
    const bad = await put(
      [
        { type: 'A', name: 'www', value: '203.0.113.10' },
        { type: 'CNAME', name: 'www', value: 'x.example.com' },
      ],
      true,
      `replace-2-${d.name}`,
    );
    expect(bad.status).toBe(422);
    expect((await h.db('dns_records').where({ domainId: d.id })).length).toBe(2);
    expect(h.sim.domains.get(d.name)!.dns.main).toEqual([]);

    const pushed = await call(`${h.api.url}/api/reseller/v1/domains/dns/push`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `push-${d.name}`,
      },
      body: JSON.stringify({ domain: d.name }),
    });
    expect(pushed.status).toBe(202);
    await eventually(() => h.sim.domains.get(d.name)!.dns.main.length === 1);
    expect(h.sim.domains.get(d.name)!.dns.sub).toEqual([
      { RecordType: 'cname', Value: d.name, Subhost: 'www' },
    ]);
  });

  it('never lets a stored record the registrar cannot publish block the others', async () => {
    const d = await ownDomain(r.id);
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    // An SRV record stored before such types were refused at write time.
    await h.db('dns_records').insert({
      domainId: d.id,
      line: 50,
      type: 'SRV',
      name: '_sip._tcp',
      value: 'sip.example.com',
      ttl: 14400,
      priority: 1,
      weight: 1,
      port: 5060,
    });
    const a = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'A',
      name: 'app',
      value: '198.51.100.7',
    });
    expect(a.status).toBe(201);
    await eventually(
      () => h.sim.domains.get(d.name)!.dns.sub.some((s) => s['Value'] === '198.51.100.7'),
      30_000,
    );
    const view = await eventually(async () => {
      const data = (await api('GET', `/domains/${d.name}/dns`)).body['data'] as {
        dns: { push: { status: string; error: string | null } };
      };
      return data.dns.push.status === 'in_sync' ? data : null;
    });
    expect(view.dns.push.error).toBeNull();
    expect(JSON.stringify(view)).not.toMatch(/dynadot|api3|set_dns2/i);
  });
});
