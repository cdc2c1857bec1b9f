import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as packet from 'dns-packet';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { PowerDnsClient } from '../../src/hosted-dns/powerdns';
import { createHostedDnsActivities } from '../../activities/dns-hosted';
import { createDnsAddon } from '../../src/hosted-dns/addon';
import { keyTagOf } from '../../src/hosted-dns/served-keys';
import { call, makeReseller, testConfig, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, uniqueName } from '../order-helpers';
import { setPassword, signIn } from '../../src/services/sessions';

/*
 * The hosted DNS addon as a reseller and the rest of the internet see it: the API writes records,
 * and a real authoritative server (PowerDNS on Postgres, started by the test run) answers `dig`
 * with them; the registrar (the simulator) holds the addon's nameservers while the addon is on and
 * the domain's own ones after it is cancelled; a signed zone validates with `delv` against the DS
 * the registrar holds.
 */

const run = promisify(execFile);

/**
 * A second server of the addon, as a secondary that has not transferred the signed zone yet would
 * be: it answers what PowerDNS answers, without the DNSKEY set and its signatures while `withhold`.
 */
async function startSecondary(primaryPort: number) {
  const socket = dgram.createSocket('udp4');
  const state = {
    withhold: false,
    dnskeyQueries: new Map<string, number>(),
    port: 0,
    close: () => socket.close(),
  };
  socket.on('message', (query, client) => {
    const question = packet.decode(query).questions?.[0];
    const upstream = dgram.createSocket('udp4');
    upstream.on('message', (answer) => {
      upstream.close();
      let out: Buffer = answer;
      if (question?.type === 'DNSKEY') {
        state.dnskeyQueries.set(question.name, (state.dnskeyQueries.get(question.name) ?? 0) + 1);
        if (state.withhold) {
          const decoded = packet.decode(answer);
          decoded.answers = (decoded.answers ?? []).filter(
            (a) => a.type !== 'DNSKEY' && !(a.type === 'RRSIG' && a.data.typeCovered === 'DNSKEY'),
          );
          out = packet.encode(decoded);
        }
      }
      socket.send(out, client.port, client.address);
    });
    upstream.send(query, primaryPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  return state;
}
let secondary: Awaited<ReturnType<typeof startSecondary>>;
const h = useOrderHarness({
  workerEnv: async () => {
    secondary = await startSecondary(inject('dnsPort'));
    return { DNS_ADDON_DNS_SERVERS: `127.0.0.1:${inject('dnsPort')},127.0.0.1:${secondary.port}` };
  },
});
let r: TestReseller;
const ADDON_NS = ['ns1.reseller-dns.test', 'ns2.reseller-dns.test'];
const OWN_NS = ['ns1.registrar.test', 'ns2.registrar.test'];

beforeAll(async () => {
  r = await makeReseller(h.db);
});
afterAll(() => secondary.close());

async function ownDomain() {
  const name = uniqueName('hosted');
  const expiry = new Date(Date.UTC(2030, 2, 1));
  h.sim.seedDomain(name, expiry, {
    nameservers: [...OWN_NS],
    // What the registrar publishes today: imported when the addon is provisioned.
    dns: {
      main: [{ RecordType: 'a', Value: '198.51.100.1' }],
      sub: [{ RecordType: 'cname', Value: 'blogs.example.net', Subhost: 'blog' }],
      ttl: 3600,
    },
  });
  const [row] = (await h
    .db('domains')
    .insert({ resellerId: r.id, name, expiresAt: expiry, nameservers: OWN_NS })
    .returning('id')) as Array<{ id: number }>;
  return { name, id: row!.id };
}

const api = (method: string, p: string, body?: unknown) =>
  call(`${h.api.url}/api/v1${p}`, {
    method,
    headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** `dig` against the addon's server: the status, flags and the answer (or authority) lines. */
async function dig(name: string, type: string) {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(inject('dnsPort')),
    '+norec',
    '+time=2',
    '+tries=1',
    '+noall',
    '+comments',
    '+answer',
    '+authority',
    name,
    type,
  ]);
  const status = /status: (\w+)/.exec(stdout)?.[1];
  const flags = /flags: ([a-z ]+);/.exec(stdout)?.[1]?.trim().split(' ') ?? [];
  const records = stdout
    .split('\n')
    .filter((l) => l && !l.startsWith(';'))
    .map((l) => l.split(/\s+/))
    .filter((f) => f[3] === type)
    .map((f) => f.slice(4).join(' '));
  return { status, flags, records, text: stdout };
}

interface ZoneView {
  dns: {
    status: string;
    mode: string | null;
    supported_types: string[];
    hosted: {
      nameservers: string[];
      delegated: boolean;
      serial: number | null;
      dnssec: {
        enabled: boolean;
        ds: Array<{ key_tag: number; algorithm: number; digest_type: number; digest: string }>;
        unsigning_after?: string | null;
      };
    } | null;
  };
  records: Array<{ line: number; type: string; name: string; value: string; published?: boolean }>;
}

/** The reseller portal's DNS page of a domain, signed in. */
async function portalDnsPage(domainId: number): Promise<string> {
  const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
  await setPassword(h.db, 'system', 'reseller', r.id, 'correct horse battery staple');
  const cookie = `dr_session=${await signIn(h.db, 'reseller', email, 'correct horse battery staple', {})}`;
  const res = await fetch(`${h.api.url}/portal/domains/${domainId}/dns`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

const view = async (domain: string) => (await api('GET', `/domains/${domain}/dns`)).body['data'] as ZoneView;

describe('the hosted DNS addon (PowerDNS) answers what the API wrote', () => {
  it('provisions, serves all eight types, follows edits and deletes, and gives the nameservers back on cancel', async () => {
    const d = await ownDomain();
    const before = await view(d.name);
    expect(before.dns).toMatchObject({ status: 'inactive', mode: null, hosted: null });
    expect(before.dns.supported_types).toEqual(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS']);

    const provisioned = await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    expect(provisioned.status).toBe(200);
    const zone = provisioned.body['data'] as ZoneView;
    expect(zone.dns).toMatchObject({
      status: 'active',
      mode: 'hosted',
      hosted: { nameservers: ADDON_NS, delegated: true, dnssec: { enabled: false, ds: [] } },
    });
    // The registrar's records were imported and are served at once, with authority.
    expect(zone.records.map((x) => [x.type, x.name, x.value, x.published])).toEqual([
      ['A', '@', '198.51.100.1', true],
      ['CNAME', 'blog', 'blogs.example.net', true],
    ]);
    const apex = await dig(d.name, 'A');
    expect(apex.flags).toContain('aa');
    expect(apex.records).toEqual(['198.51.100.1']);
    expect((await dig(d.name, 'NS')).records.sort()).toEqual(ADDON_NS.map((n) => `${n}.`));
    // At the registrar: the addon's pair.
    expect(h.sim.domains.get(d.name)!.nameservers).toEqual(ADDON_NS);
    expect((await h.db('domains').where({ id: d.id }).first('nameservers')) as object).toEqual({
      nameservers: ADDON_NS,
    });

    const longKey = 'k'.repeat(300);
    const writes = [
      [{ type: 'A', name: 'www', value: '203.0.113.10', ttl: 300 }, `www.${d.name}`, ['203.0.113.10']],
      [{ type: 'AAAA', name: '*', value: '2001:DB8:0:0::1' }, `anything.${d.name}`, ['2001:db8::1']],
      [{ type: 'CNAME', name: 'app', value: `www.${d.name}` }, `app.${d.name}`, [`www.${d.name}.`]],
      [{ type: 'MX', name: '@', value: `mail.${d.name}.`, priority: 10 }, d.name, [`10 mail.${d.name}.`]],
      [
        { type: 'TXT', name: '@', value: `"${longKey.slice(0, 200)}" "${longKey.slice(200)}"` },
        d.name,
        [`"${longKey.slice(0, 200)}" "${longKey.slice(200)}"`],
      ],
      [
        { type: 'SRV', name: '_sip._tcp', value: `sip.${d.name}`, priority: 10, weight: 5, port: 5060 },
        `_sip._tcp.${d.name}`,
        [`10 5 5060 sip.${d.name}.`],
      ],
      [
        { type: 'CAA', name: '@', value: 'letsencrypt.org', flags: 0, tag: 'issue' },
        d.name,
        ['0 issue "letsencrypt.org"'],
      ],
      [
        { type: 'NS', name: 'lab', value: 'ns.lab-hosting.example' },
        `lab.${d.name}`,
        ['ns.lab-hosting.example.'],
      ],
    ] as const;
    for (const [record] of writes) {
      const res = await api('POST', `/domains/${d.name}/dns/records`, record);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const [record, qname, values] of writes) {
      const answer = await dig(qname, record.type);
      expect(answer.status, `${record.type} ${qname}`).toBe('NOERROR');
      expect(answer.records.sort(), `${record.type} ${qname}\n${answer.text}`).toEqual([...values].sort());
    }
    // A delegation is answered as a referral (no aa), everything else with authority.
    expect((await dig(`lab.${d.name}`, 'NS')).flags).not.toContain('aa');
    expect((await dig(`www.${d.name}`, 'A')).flags).toContain('aa');

    const listed = await view(d.name);
    expect(listed.records).toHaveLength(10);
    expect(listed.records.every((x) => x.published === true)).toBe(true);
    const serialBefore = listed.dns.hosted!.serial!;

    // Edit by line: the new value is served, the serial moves on.
    const www = listed.records.find((x) => x.name === 'www' && x.type === 'A')!;
    const edited = await api('PUT', `/domains/${d.name}/dns/records/${www.line}`, {
      type: 'A',
      name: 'www',
      value: '203.0.113.99',
    });
    expect(edited.status).toBe(200);
    expect(edited.body['data']).toMatchObject({
      record: { line: www.line, value: '203.0.113.99', published: true },
    });
    expect((await dig(`www.${d.name}`, 'A')).records).toEqual(['203.0.113.99']);
    const serialAfter = (await view(d.name)).dns.hosted!.serial!;
    expect(serialAfter).toBeGreaterThan(serialBefore);
    const soa = (await dig(d.name, 'SOA')).records[0]!.split(' ');
    expect(Number(soa[2])).toBe(serialAfter);
    expect(soa.slice(0, 2)).toEqual([`${ADDON_NS[0]}.`, 'hostmaster.reseller-dns.test.']);

    // Delete by line: no longer answered.
    const srv = listed.records.find((x) => x.type === 'SRV')!;
    expect((await api('DELETE', `/domains/${d.name}/dns/records/${srv.line}`)).status).toBe(200);
    // (NOERROR with no SRV, not NXDOMAIN: the `*` wildcard covers the name now.)
    const gone = await dig(`_sip._tcp.${d.name}`, 'SRV');
    expect(gone.status).toBe('NOERROR');
    expect(gone.records).toEqual([]);

    // Cancel: the domain's own nameservers back at the registrar, the zone no longer served.
    const cancelled = await api('DELETE', `/domains/${d.name}/dns`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body['data']).toMatchObject({ dns: { status: 'cancelled', hosted: null }, records: [] });
    expect(h.sim.domains.get(d.name)!.nameservers).toEqual(OWN_NS);
    expect((await dig(`www.${d.name}`, 'A')).status).toBe('REFUSED');
  });

  it('signs the zone, sends its DS to the registrar (delv validates against it) and removes the DS before unsigning', async () => {
    const d = await ownDomain();
    expect((await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true })).status).toBe(200);
    await api('POST', `/domains/${d.name}/dns/records`, { type: 'A', name: 'www', value: '203.0.113.10' });

    const signed = await api('PUT', `/domains/${d.name}/dns/dnssec`, { enabled: true });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const ds = (signed.body['data'] as ZoneView).dns.hosted!.dnssec;
    expect(ds.enabled).toBe(true);
    expect(ds.ds).toHaveLength(1);
    // The registrar holds that DS: the parent zone's delegation signer.
    const atRegistrar = h.sim.domains.get(d.name)!.dnssec!;
    expect(atRegistrar).toEqual([
      {
        KeyTag: String(ds.ds[0]!.key_tag),
        Algorithm: String(ds.ds[0]!.algorithm),
        DigestType: '2',
        Digest: ds.ds[0]!.digest.toUpperCase(),
      },
    ]);
    const validated = await delv(d.name, `www.${d.name}`, atRegistrar[0]!);
    expect(validated).toContain('; fully validated');
    expect(validated).toContain('203.0.113.10');
    // A wrong DS does not validate: the check is real.
    const wrong = {
      ...atRegistrar[0]!,
      Digest: atRegistrar[0]!.Digest.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    };
    expect(await delv(d.name, `www.${d.name}`, wrong)).not.toContain('; fully validated');

    // The registrar refuses to remove the DS: the zone stays signed (never a DS without signatures... nor the reverse).
    h.sim.failNextCall('reject', 'set_clear_domain_setting');
    const refused = await api('PUT', `/domains/${d.name}/dns/dnssec`, { enabled: false });
    expect(refused.status).toBe(422);
    expect(refused.body['code']).toBe('registrar_rejected');
    expect(await delv(d.name, `www.${d.name}`, atRegistrar[0]!)).toContain('; fully validated');
    expect(h.sim.domains.get(d.name)!.dnssec).toHaveLength(1);

    // Off: the DS leaves the registrar at once, and the zone stays signed for the DS TTL (4 s
    // here, 2 days live), so a resolver that cached the DS still validates; then it is unsigned.
    const asked = Date.now();
    const unsigning = await api('PUT', `/domains/${d.name}/dns/dnssec`, { enabled: false });
    expect(unsigning.status).toBe(200);
    const off = (unsigning.body['data'] as ZoneView).dns.hosted!.dnssec;
    expect(off).toMatchObject({ enabled: false, ds: [] });
    const after = Date.parse(off.unsigning_after!);
    expect(after - asked).toBeGreaterThanOrEqual(3_000);
    expect(after - asked).toBeLessThan(4_000 + 5_000);
    expect(h.sim.domains.get(d.name)!.dnssec).toEqual([]);
    expect((await dig(d.name, 'DNSKEY')).records).not.toEqual([]);
    expect(await delv(d.name, `www.${d.name}`, atRegistrar[0]!)).toContain('; fully validated');
    const page = await portalDnsPage(d.id);
    expect(page).toContain('DS removed; unsigning after');
    // Asked again meanwhile: nothing more (the timer stands, no second registrar call).
    const clears = h.sim.calls.get('set_clear_domain_setting') ?? 0;
    expect((await api('PUT', `/domains/${d.name}/dns/dnssec`, { enabled: false })).status).toBe(200);
    expect(h.sim.calls.get('set_clear_domain_setting') ?? 0).toBe(clears);
    // Every check before the timer ends: still fully validated.
    while (Date.now() < after - 1_000) {
      expect(await delv(d.name, `www.${d.name}`, atRegistrar[0]!)).toContain('; fully validated');
      await new Promise((res) => setTimeout(res, 500));
    }
    await eventually(async () => ((await dig(d.name, 'DNSKEY')).records.length === 0 ? true : null), 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(after);
    expect((await view(d.name)).dns.hosted!.dnssec).toEqual({
      enabled: false,
      ds: [],
      unsigning_after: null,
    });
  });

  it('sends the DS only once every addon server serves the signed key: a lagging secondary holds it back', async () => {
    const d = await ownDomain();
    expect((await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true })).status).toBe(200);
    secondary.withhold = true;
    const sends = h.sim.calls.get('set_dnssec') ?? 0;
    const signing = api('PUT', `/domains/${d.name}/dns/dnssec`, { enabled: true });
    // The worker asks both servers, again and again: the primary serves the key, the secondary not.
    await eventually(
      () => Promise.resolve((secondary.dnskeyQueries.get(d.name) ?? 0) >= 3 ? true : null),
      20_000,
    );
    const served = await dig(d.name, 'DNSKEY');
    expect(served.records.length).toBeGreaterThan(0);
    // Meanwhile nothing reached the parent: a resolver sent to the secondary would find no key.
    expect(h.sim.calls.get('set_dnssec') ?? 0).toBe(sends);
    expect(h.sim.domains.get(d.name)!.dnssec ?? []).toEqual([]);
    secondary.withhold = false;
    const res = await signing;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ds = (res.body['data'] as ZoneView).dns.hosted!.dnssec.ds;
    expect(h.sim.calls.get('set_dnssec')).toBe(sends + 1);
    // The DS names the key both servers serve: keyTagOf (RFC 4034 B) reads PowerDNS's key as delv does.
    const ksk = served.records.map((r) => r.split(' ')).find((f) => f[0] === '257')!;
    expect(
      keyTagOf({ flags: 257, algorithm: Number(ksk[2]), key: Buffer.from(ksk.slice(3).join(''), 'base64') }),
    ).toBe(ds[0]!.key_tag);
    const atRegistrar = h.sim.domains.get(d.name)!.dnssec!;
    expect(await delv(d.name, `${d.name}`, atRegistrar[0]!, secondary.port)).toContain('; fully validated');
  });

  it('gives up when the keys are not served within DNSSEC_DNSKEY_WAIT_SECONDS: a refusal, not a retry', async () => {
    const d = await ownDomain();
    expect((await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true })).status).toBe(200);
    const addon = createDnsAddon({
      ...testConfig(),
      DNS_ADDON_DNS_SERVERS: [`127.0.0.1:${secondary.port}`],
    })!;
    const activities = createHostedDnsActivities({
      db: h.db,
      registrar: h.registrar,
      dnsAddon: addon,
      dnssecUnsignDelayMs: 0,
      dnskeyWaitMs: 60_000,
    });
    const ds = await activities.signHostedZone(d.id);
    const quiet = { logger: new DefaultLogger('ERROR') };
    secondary.withhold = true;
    try {
      // Not served yet, a minute not gone: retried.
      const early = new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - 1_000 }, quiet);
      const retried = await early.run(() => activities.awaitKeysServed(d.id, ds)).catch((e: unknown) => e);
      expect(retried).toBeInstanceOf(ApplicationFailure);
      expect((retried as ApplicationFailure).nonRetryable).toBe(false);
      expect((retried as ApplicationFailure).message).toContain(`does not serve key ${ds[0]!.keyTag} signed`);
      // A minute gone: refused (the zone workflow then unsigns the zone and sends no DS).
      const late = new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - 61_000 }, quiet);
      const refused = await late.run(() => activities.awaitKeysServed(d.id, ds)).catch((e: unknown) => e);
      expect((refused as ApplicationFailure).nonRetryable).toBe(true);
      expect((refused as ApplicationFailure).type).toBe('DnsAddonRejected');
      expect((refused as ApplicationFailure).message).toContain('did not serve the signed keys');
    } finally {
      secondary.withhold = false;
    }
    // Served, it answers.
    const now = new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - 61_000 }, quiet);
    await expect(now.run(() => activities.awaitKeysServed(d.id, ds))).resolves.toBeUndefined();
    await activities.unsignHostedZone(d.id);
  });

  it('undoes a provisioning the registrar refuses: no zone served, nameservers and records as they were', async () => {
    const d = await ownDomain();
    h.sim.failNextCall('reject', 'set_ns');
    const res = await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    expect(res.status).toBe(422);
    expect(res.body['code']).toBe('registrar_rejected');
    expect(h.sim.domains.get(d.name)!.nameservers).toEqual(OWN_NS);
    expect((await dig(d.name, 'A')).status).toBe('REFUSED');
    expect((await view(d.name)).dns).toMatchObject({ status: 'inactive', mode: null });
    // Tried again, it goes through.
    expect((await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true })).status).toBe(200);
    expect((await dig(d.name, 'A')).records).toEqual(['198.51.100.1']);
  });

  it('leaves the records as they were when PowerDNS refuses a change after they were written', async () => {
    const d = await ownDomain();
    expect((await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true })).status).toBe(200);
    const before = await view(d.name);
    expect(before.records.map((x) => [x.line, x.type, x.name, x.published])).toEqual([
      [1, 'A', '@', true],
      [2, 'CNAME', 'blog', true],
    ]);
    // Someone edits the zone on the DNS server itself: a CNAME at www that we do not hold.
    const pdns = new PowerDnsClient({ url: inject('dnsAddonUrl'), apiKey: inject('dnsAddonKey') });
    await pdns.patchRRsets(d.name, [
      {
        name: `www.${d.name}.`,
        type: 'CNAME',
        ttl: 3600,
        records: [{ content: 'elsewhere.example.net.', disabled: false }],
      },
    ]);
    // An A at www passes our checks (we hold nothing at www), and PowerDNS refuses it:
    // "RRset www.<zone>. IN A: Conflicts with pre-existing RRset" (422).
    const res = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'A',
      name: 'www',
      value: '203.0.113.80',
    });
    expect(res.status).toBe(422);
    expect(res.body['code']).toBe('dns_rejected');
    expect(String(res.body['message'])).toContain('Conflicts with pre-existing RRset');
    // The records are what they were (same lines, still published), not the refused one.
    const after = await view(d.name);
    expect(after.records.map((x) => [x.line, x.type, x.name, x.value, x.published])).toEqual(
      before.records.map((x) => [x.line, x.type, x.name, x.value, x.published]),
    );
    expect((await api('GET', `/domains/${d.name}/dns`)).body['data']).toMatchObject({
      dns: { push: { status: 'in_sync', error: null } },
    });
    expect((await dig(`www.${d.name}`, 'A')).records).toEqual([]);
    expect((await dig(d.name, 'A')).records).toEqual(['198.51.100.1']);
    // A refused update leaves the record as it was too, and once the zone is clean again the
    // same change goes through.
    const refusedUpdate = await api('PUT', `/domains/${d.name}/dns/records/2`, {
      type: 'A',
      name: 'www',
      value: '203.0.113.81',
    });
    expect(refusedUpdate.status, JSON.stringify(refusedUpdate.body)).toBe(422);
    expect((await view(d.name)).records.map((x) => [x.line, x.type, x.name, x.published])).toEqual([
      [1, 'A', '@', true],
      [2, 'CNAME', 'blog', true],
    ]);
    expect((await dig(`blog.${d.name}`, 'CNAME')).records).toEqual(['blogs.example.net.']);
    await pdns.patchRRsets(d.name, [{ name: `www.${d.name}.`, type: 'CNAME', ttl: 3600, records: [] }]);
    const accepted = await api('POST', `/domains/${d.name}/dns/records`, {
      type: 'A',
      name: 'www',
      value: '203.0.113.80',
    });
    expect(accepted.status).toBe(201);
    expect((await dig(`www.${d.name}`, 'A')).records).toEqual(['203.0.113.80']);
    expect((await view(d.name)).records.map((x) => x.line)).toEqual([1, 2, 3]);
  });

  it('refuses bad records with field errors (422)', async () => {
    const d = await ownDomain();
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    const cases = [
      [{ type: 'CNAME', name: '@', value: 'elsewhere.example.net' }, 'name', 'cannot be at the zone root'],
      [{ type: 'CNAME', name: 'blog', value: 'elsewhere.example.net' }, 'name', 'cannot coexist'],
      [{ type: 'A', name: 'blog', value: '203.0.113.5' }, 'name', 'cannot coexist'],
      [{ type: 'MX', name: '@', value: '203.0.113.5', priority: 10 }, 'value', 'not an IP address'],
      [{ type: 'TXT', name: '@', value: 'x'.repeat(256) }, 'value', 'at most 255 bytes'],
      [{ type: 'TXT', name: '@', value: `"${'é'.repeat(128)}"` }, 'value', 'at most 255 bytes'],
      [
        { type: 'SRV', name: '_sip._tcp', value: 'sip.example.net', priority: 1, weight: 1 },
        'port',
        'needs a port',
      ],
      [
        { type: 'CAA', name: '@', value: 'ca.example', flags: 0, tag: 'issuer' },
        'tag',
        'issue, issuewild or iodef',
      ],
      [{ type: 'NS', name: '@', value: 'ns.other.example' }, 'name', 'nameservers endpoint'],
      [{ type: 'A', name: 'www', value: '203.0.113.5', ttl: 30 }, 'ttl', 'at least 60'],
    ] as const;
    for (const [record, field, words] of cases) {
      const res = await api('POST', `/domains/${d.name}/dns/records`, record);
      expect(res.status, JSON.stringify(record)).toBe(422);
      const errors = res.body['errors'] as Record<string, string[]>;
      expect(errors[field]?.join(' '), JSON.stringify(res.body)).toContain(words);
    }
    expect((await view(d.name)).records).toHaveLength(2);
  });

  it('seed 000 replaces the set on the addon: published with push, held back without', async () => {
    const d = await ownDomain();
    await api('POST', `/domains/${d.name}/dns/provision`, { confirm: true });
    const replace = (records: unknown[], push: boolean) =>
      call(`${h.api.url}/api/reseller/v1/domains/dns`, {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${r.token}`,
          'Idempotency-Key': `replace-${d.name}-${String(push)}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ domain: d.name, records, push }),
      });
    const held = await replace([{ type: 'A', name: '@', value: '192.0.2.44' }], false);
    expect(held.status).toBe(200);
    expect((await view(d.name)).records.map((x) => x.published)).toEqual([false]);
    expect((await dig(d.name, 'A')).records).toEqual(['198.51.100.1']);
    const pushed = await replace(
      [
        { type: 'A', name: '@', value: '192.0.2.45' },
        { type: 'SRV', name: '_xmpp._tcp', value: `chat.${d.name}`, priority: 5, weight: 0, port: 5222 },
      ],
      true,
    );
    expect(pushed.status).toBe(200);
    expect((await dig(d.name, 'A')).records).toEqual(['192.0.2.45']);
    expect((await dig(`_xmpp._tcp.${d.name}`, 'SRV')).records).toEqual([`5 0 5222 chat.${d.name}.`]);
    expect((await dig(`blog.${d.name}`, 'CNAME')).status).toBe('NXDOMAIN');
  });
});

/** `delv` against the addon's server, trusting only the DS given (the one the registrar holds). */
async function delv(
  zone: string,
  name: string,
  ds: { KeyTag: string; Algorithm: string; DigestType: string; Digest: string },
  port = inject('dnsPort'),
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'delv-'));
  const anchors = path.join(dir, 'anchors.conf');
  writeFileSync(
    anchors,
    `trust-anchors {\n  ${zone}. static-ds ${ds.KeyTag} ${ds.Algorithm} ${ds.DigestType} "${ds.Digest}";\n};\n`,
  );
  const out = await run(
    'delv',
    ['@127.0.0.1', '-p', String(port), '-a', anchors, `+root=${zone}`, name, 'A'],
    { timeout: 15_000 },
  ).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: err.stdout ?? '',
    stderr: err.stderr ?? '',
  }));
  return `${out.stdout}\n${out.stderr}`;
}
