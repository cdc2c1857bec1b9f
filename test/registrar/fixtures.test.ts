import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynadotClient } from '../../src/registrar';
import { transferStateOf } from '../../src/registrar/dynadot/wire';
import { RegistrarError } from '../../src/registrar/errors';
import { RegistrarSimulator } from '../../simulators/registrar/server';
import { FIXTURES, type Fixture, TRANSFER_WORDS } from '../fixtures/dynadot';
import { SEED_CONTACT } from '../order-helpers';

/** A client whose every call is answered with `body` (HTTP 200, as Dynadot answers errors too). */
function answering(body: unknown, opts: { level?: 'regular' | 'bulk' } = {}) {
  const seen: URL[] = [];
  const client = dynadotClient({
    apiUrl: 'https://api.dynadot.com/api3.json',
    apiKey: 'k',
    level: opts.level ?? 'bulk',
    timeoutMs: 1_000,
    fetch: ((url: URL) => {
      seen.push(new URL(url));
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    }) as typeof fetch,
  });
  return { client, seen };
}

const failureOf = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as RegistrarError;

describe('the client reads the live answers (fixtures)', () => {
  it('reads the price sentence: registration and renewal prices, not premium', async () => {
    const { client, seen } = answering(FIXTURES.searchStandard.body);
    expect(await client.search(['example-free.com'])).toEqual([
      {
        domain: 'example-free.com',
        available: true,
        premium: false,
        price: { amountMinor: 1088n, currency: 'USD' },
        renewal: { amountMinor: 1088n, currency: 'USD' },
      },
    ]);
    // The account's currency, never a reseller's.
    expect(seen[0]!.searchParams.get('currency')).toBe('USD');
    expect(seen[0]!.searchParams.get('show_price')).toBe('1');
  });

  it('detects a premium name from the sentence and keeps its price', async () => {
    const { client } = answering(FIXTURES.searchPremium.body);
    expect(await client.search(['premiumname.com'])).toEqual([
      {
        domain: 'premiumname.com',
        available: true,
        premium: true,
        price: { amountMinor: 250_000n, currency: 'USD' },
        renewal: { amountMinor: 4_800n, currency: 'USD' },
      },
    ]);
  });

  it('reads a taken name without a price', async () => {
    const { client } = answering(FIXTURES.searchTaken.body);
    expect(await client.search(['google.com'])).toEqual([
      { domain: 'google.com', available: false, premium: false, price: undefined, renewal: undefined },
    ]);
  });

  it('searches one name a call on a regular account; the one-name error is a refusal, not "busy"', async () => {
    const { client, seen } = answering(FIXTURES.searchStandard.body, { level: 'regular' });
    await client.search(['example-free.com']);
    expect([...seen[0]!.searchParams.keys()].filter((k) => /^domain\d+$/.test(k))).toEqual(['domain0']);
    const tooMany = answering(FIXTURES.searchTooMany.body);
    const err = await failureOf(tooMany.client.search(['a.com']));
    expect(err).toBeInstanceOf(RegistrarError);
    expect(err.kind).toBe('rejected');
  });

  it('reads register, renew and transfer answers', async () => {
    expect(
      await answering(FIXTURES.register.body).client.register({ domain: 'domain1.net', years: 1 }),
    ).toEqual({
      domain: 'domain1.net',
      expiresAt: new Date(1458379145266),
    });
    expect(
      await answering(FIXTURES.renew.body).client.renew({
        domain: 'domain1.com',
        years: 1,
        currentExpiryYear: 2017,
      }),
    ).toEqual({ expiresAt: new Date(1489915145266) });
    expect(
      await answering(FIXTURES.transfer.body).client.transfer({ domain: 'domain1.com', authCode: 'X' }),
    ).toEqual({
      orderId: '1234567',
    });
  });

  it.each([
    ['registerNotAvailable', 'rejected', 'not_available'],
    ['registerPremiumNeedsOption', 'rejected', 'premium_required'],
    ['invalidKey', 'rejected', undefined],
    ['invalidCurrency', 'rejected', undefined],
    ['busy', 'retryable', undefined],
    ['mainServer', 'retryable', undefined],
  ] as const)('classifies %s as %s (refusal %s)', async (name, kind, refusal) => {
    const err = await failureOf(
      answering((FIXTURES[name] as Fixture).body).client.register({ domain: 'a.com', years: 1 }),
    );
    expect(err).toBeInstanceOf(RegistrarError);
    expect(err.kind).toBe(kind);
    // A wallet registration is its own availability check: these two say why it was refused.
    expect(err.refusal).toBe(refusal);
  });

  it('cancels a transfer with cancel_transfer (domain, order_id); an ended one is a refusal', async () => {
    const sent = answering(FIXTURES.cancelTransfer.body);
    await sent.client.cancelTransfer({ domain: 'domain1.com', orderId: '1234568' });
    expect(Object.fromEntries(sent.seen[0]!.searchParams)).toMatchObject({
      command: 'cancel_transfer',
      domain: 'domain1.com',
      order_id: '1234568',
    });
    await expect(
      answering(FIXTURES.cancelTransferEnded.body).client.cancelTransfer({
        domain: 'domain1.com',
        orderId: '1',
      }),
    ).rejects.toMatchObject({ kind: 'rejected', message: 'this transfer order can not be cancelled' });
  });

  it("asks a domain's own renewal price with renew price_check=1, renewing nothing", async () => {
    const sent = answering(FIXTURES.renewPriceCheck.body);
    expect(await sent.client.renewalPrice('premiumname.com')).toEqual({
      amountMinor: 50000n,
      currency: 'USD',
    });
    expect(Object.fromEntries(sent.seen[0]!.searchParams)).toMatchObject({
      command: 'renew',
      domain: 'premiumname.com',
      duration: '1',
      currency: 'USD',
      price_check: '1',
    });
    // A renewal answer without a price is never taken for one.
    await expect(answering(FIXTURES.renew.body).client.renewalPrice('domain1.com')).rejects.toMatchObject({
      kind: 'rejected',
    });
  });

  it('contacts: create_contact answers its ID, set_whois and delete_contact take IDs, a used contact is refused', async () => {
    const created = answering(FIXTURES.createContact.body);
    expect(await created.client.createContact(SEED_CONTACT)).toBe('123');
    expect(created.seen[0]!.searchParams.get('command')).toBe('create_contact');
    expect(created.seen[0]!.searchParams.get('phonecc')).toBe('255');
    const whois = answering(FIXTURES.setWhois.body);
    await whois.client.setWhois('domain1.com', { registrant: '123', admin: '124' });
    expect(Object.fromEntries(whois.seen[0]!.searchParams)).toMatchObject({
      command: 'set_whois',
      domain: 'domain1.com',
      registrant_contact: '123',
      admin_contact: '124',
      technical_contact: '124',
      billing_contact: '124',
    });
    const del = answering(FIXTURES.deleteContact.body);
    await del.client.deleteContact('123');
    expect(del.seen[0]!.searchParams.get('contact_id')).toBe('123');
    await expect(
      answering(FIXTURES.deleteContactInUse.body).client.deleteContact('123'),
    ).rejects.toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining('is used by domain1.com') as unknown,
    });
  });

  it('registers, lists, readdresses and deletes glue hosts with the nameserver-host commands', async () => {
    const reg = answering(FIXTURES.registerNs.body);
    expect(await reg.client.registerHost('ns1.brand.com', ['192.0.2.53'])).toEqual({
      serverId: '1003',
      host: 'ns1.brand.com',
      ips: ['192.0.2.53'],
    });
    expect(Object.fromEntries(reg.seen[0]!.searchParams)).toMatchObject({
      command: 'register_ns',
      host: 'ns1.brand.com',
      ip: '192.0.2.53',
    });
    // More than one address: registered with the first, then all set by server_id.
    const two = answering(FIXTURES.registerNs.body);
    await two.client.registerHost('ns1.brand.com', ['192.0.2.53', '2001:db8::53']);
    expect(two.seen.map((u) => u.searchParams.get('command'))).toEqual(['register_ns', 'set_ns_ip']);
    expect(Object.fromEntries(two.seen[1]!.searchParams)).toMatchObject({
      server_id: '1003',
      ip0: '192.0.2.53',
      ip1: '2001:db8::53',
    });
    expect(await answering(FIXTURES.serverList.body).client.listHosts()).toEqual([
      { serverId: '1003', host: 'ns1.brand.com', ips: ['192.0.2.53', '2001:db8::53'] },
      { serverId: '1004', host: 'ns2.brand.com', ips: ['192.0.2.54'] },
    ]);
    const del = answering(FIXTURES.deleteNs.body);
    await del.client.deleteHost('1004');
    expect(Object.fromEntries(del.seen[0]!.searchParams)).toMatchObject({
      command: 'delete_ns',
      server_id: '1004',
    });
    await expect(
      answering(FIXTURES.setNsNeedsGlue.body).client.setNameservers('brand.com', ['ns1.brand.com']),
    ).rejects.toMatchObject({
      kind: 'rejected',
      message: "'ns1.brand.com' needs to be registered with an ip address before it can be used.",
    });
  });

  it('reads the newest transfer order (the first element), and an empty list as none yet', async () => {
    expect(await answering(FIXTURES.transferStatus.body).client.transferStatus('domain1.com')).toEqual({
      orderId: '1234568',
      state: 'auth_code_needed',
      text: 'auth code needed',
    });
    expect(
      await answering(FIXTURES.transferStatusEmpty.body).client.transferStatus('domain1.com'),
    ).toBeNull();
  });

  it.each(TRANSFER_WORDS)('maps the transfer state "%s" to %s', (word, state) => {
    expect(transferStateOf(word)).toBe(state);
  });

  it('reads domain_info, its lag answer, list_domain, get_ns and get_dns', async () => {
    expect(await answering(FIXTURES.domainInfo.body).client.info('domain1.com')).toEqual({
      domain: 'domain1.com',
      expiresAt: new Date(1489915145266),
      registeredAt: new Date(1458379145266),
      status: 'active',
      locked: true,
      privacy: 'full',
      nameservers: ['ns1.dynadot.com', 'ns2.dynadot.com'],
      contactIds: { registrant: '0', admin: '0' },
    });
    expect(await answering(FIXTURES.domainInfoLag.body).client.info('domain1.com')).toBeNull();
    // Inside the lag after a change: the earlier nameservers, and no contact IDs listed.
    expect(await answering(FIXTURES.domainInfoAfterSetNs.body).client.info('domain1.org')).toMatchObject({
      nameservers: ['ns1.dynadot.com', 'ns2.dynadot.com'],
      contactIds: null,
    });
    await expect(
      answering(FIXTURES.getNsLag.body).client.getNameservers('domain1.net'),
    ).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect(await answering(FIXTURES.listDomain.body).client.inAccount('domain1.com')).toEqual({
      expiresAt: new Date(1489915145266),
    });
    expect(await answering(FIXTURES.listDomain.body).client.inAccount('other.com')).toBeNull();
    expect(await answering(FIXTURES.getNs.body).client.getNameservers('domain1.com')).toEqual([
      'ns1.dynadot.com',
      'ns2.dynadot.com',
    ]);
    expect(await answering(FIXTURES.getDns.body).client.getDns('domain1.com')).toEqual([
      { type: 'A', name: '@', value: '203.0.113.10', ttl: 14400 },
      { type: 'MX', name: '@', value: 'mail.domain1.com', ttl: 14400, priority: 10 },
      { type: 'CNAME', name: 'www', value: 'domain1.com', ttl: 14400 },
    ]);
    await expect(
      answering(FIXTURES.setDns2.body).client.setDns('domain1.com', [
        { type: 'A', name: '@', value: '203.0.113.10', ttl: 3600 },
      ]),
    ).resolves.toBeUndefined();
  });
});

/** The keys of an answer and the JSON type of each value, recursively (arrays by their first element). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  return typeof value;
}

describe('DNSSEC at the registrar (the hosted DNS addon sends its DS)', () => {
  const ds = {
    keyTag: 56814,
    algorithm: 13,
    digestType: 2,
    digest: '2c2467c645f50b1e81e90de79a59c2d729010aafa78c3a278355432e4d58e75d',
  };

  it('sends set_dnssec with domain_name and the four DS fields', async () => {
    const { client, seen } = answering(FIXTURES.setDnssec.body);
    await client.setDnssec('domain1.com', ds);
    const q = seen[0]!.searchParams;
    expect(q.get('command')).toBe('set_dnssec');
    expect([
      q.get('domain_name'),
      q.get('key_tag'),
      q.get('algorithm'),
      q.get('digest_type'),
      q.get('digest'),
    ]).toEqual(['domain1.com', '56814', '13', '2', ds.digest]);
  });

  it('reads get_dnssec and clears with set_clear_domain_setting service=dnssec', async () => {
    expect(await answering(FIXTURES.getDnssec.body).client.getDnssec('domain1.com')).toEqual([ds]);
    const { client, seen } = answering(FIXTURES.clearDnssec.body);
    await client.clearDnssec('domain1.com');
    expect(Object.fromEntries(seen[0]!.searchParams)).toMatchObject({
      command: 'set_clear_domain_setting',
      domain: 'domain1.com',
      service: 'dnssec',
    });
  });
});

describe('the simulator answers as the fixtures do', () => {
  const sim = new RegistrarSimulator({
    apiKey: 'k',
    accountLevel: 'regular',
    lagMs: 60_000,
    transferPollsToComplete: 4,
  });
  let base: string;
  const ask = async (command: string, params: Record<string, string | number> = {}) => {
    const url = new URL(sim.apiUrl);
    url.searchParams.set('key', 'k');
    url.searchParams.set('command', command);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return (await (await fetch(url)).json()) as unknown;
  };
  beforeAll(async () => {
    base = await sim.start();
    sim.seedDomain('domain1.com', new Date(1489915145266), { privacy: 'full' });
  });
  afterAll(() => sim.close());

  it('search: the sentence for standard and premium names, no price for taken ones, the one-name error', async () => {
    expect(base).toMatch(/^http/);
    const standard = await ask('search', { domain0: 'example-free.com', show_price: 1, currency: 'USD' });
    expect(shape(standard)).toEqual(shape(FIXTURES.searchStandard.body));
    const price = (standard as typeof FIXTURES.searchStandard.body).SearchResponse.SearchResults[0]!.Price;
    expect(price).toMatch(
      /^Registration Price: \d+\.\d\d in USD and Renewal price: \d+\.\d\d in USD and Domain is not a Premium Domain$/,
    );
    const premium = await ask('search', { domain0: 'premiumname.com', show_price: 1, currency: 'USD' });
    expect(JSON.stringify(premium)).toMatch(/and Domain is a Premium Domain"/);
    expect(JSON.stringify(premium)).not.toMatch(/"Premium"|IsPremium/);
    expect(shape(await ask('search', { domain0: 'taken-a.com', show_price: 1 }))).toEqual(
      shape(FIXTURES.searchTaken.body),
    );
    expect(await ask('search', { domain0: 'a.com', domain1: 'b.com' })).toEqual(FIXTURES.searchTooMany.body);
    expect(await ask('search', { domain0: 'a.com', currency: 'IDR' })).toEqual(FIXTURES.invalidCurrency.body);
    expect(await ask('search', { domain0: 'a.com', key: 'wrong' })).toEqual(FIXTURES.invalidKey.body);
  });

  it('register, its refusals, and domain_info lagging behind it while list_domain shows it', async () => {
    expect(shape(await ask('register', { domain: 'domain1.net', duration: 1 }))).toEqual(
      shape(FIXTURES.register.body),
    );
    expect(await ask('register', { domain: 'taken-b.com', duration: 1 })).toEqual(
      FIXTURES.registerNotAvailable.body,
    );
    expect(await ask('register', { domain: 'premiumname.com', duration: 1 })).toEqual(
      FIXTURES.registerPremiumNeedsOption.body,
    );
    expect(await ask('domain_info', { domain: 'domain1.net' })).toEqual(FIXTURES.domainInfoLag.body);
    expect(await ask('get_ns', { domain: 'domain1.net' })).toEqual(FIXTURES.getNsLag.body);
    const listed = (await ask('list_domain', { count_per_page: 100, page_index: 1 })) as {
      ListDomainInfoResponse: { MainDomains: Array<{ Name: string }> };
    };
    expect(listed.ListDomainInfoResponse.MainDomains.map((d) => d.Name)).toContain('domain1.net');
    expect(shape(await ask('domain_info', { domain: 'domain1.com' }))).toEqual(
      shape(FIXTURES.domainInfo.body),
    );
  });

  it('every read lags behind a change for lagMs: nameservers, Whois, lock and privacy', async () => {
    const d = sim.seedDomain('domain1.org', new Date(1489915145266), {
      registeredAt: 1458379145266,
      locked: true,
      privacy: 'off',
    });
    const contact = (await ask('create_contact', { name: 'A', email: 'a@example.com' })) as {
      CreateContactResponse: { CreateContactContent: { ContactId: string } };
    };
    const id = contact.CreateContactResponse.CreateContactContent.ContactId;
    expect(
      await ask('set_ns', { domain: 'domain1.org', ns0: 'ns1.brand.test', ns1: 'ns2.brand.test' }),
    ).toMatchObject({
      SetNsResponse: { Status: 'success' },
    });
    await ask('set_whois', { domain: 'domain1.org', registrant_contact: id, admin_contact: id });
    await ask('set_privacy', { domain: 'domain1.org', option: 'full' });
    await ask('get_transfer_auth_code', { domain: 'domain1.org', unlock_domain_for_transfer: 1 });
    // The account holds every change; its reads answer the domain as it was before the first.
    expect(d).toMatchObject({
      nameservers: ['ns1.brand.test', 'ns2.brand.test'],
      privacy: 'full',
      locked: false,
    });
    expect(await ask('domain_info', { domain: 'domain1.org' })).toEqual(FIXTURES.domainInfoAfterSetNs.body);
    expect(shape(await ask('get_ns', { domain: 'domain1.org' }))).toEqual(shape(FIXTURES.getNs.body));
    expect(JSON.stringify(await ask('get_ns', { domain: 'domain1.org' }))).toContain('ns1.dynadot.com');
    // Once the lag has passed (here: its window moved into the past), they show them all.
    d.shown = { until: Date.now() - 1, as: d.shown!.as };
    const info = (await ask('domain_info', { domain: 'domain1.org' })) as typeof FIXTURES.domainInfo.body;
    expect(info.DomainInfoResponse.DomainInfo).toMatchObject({
      NameServerSettings: {
        NameServers: [{ ServerName: 'ns1.brand.test' }, { ServerName: 'ns2.brand.test' }],
      },
      Locked: 'no',
      Privacy: 'full',
      Whois: { Registrant: { ContactId: id }, Admin: { ContactId: id } },
    });
  });

  it('create_contact, set_whois and delete_contact answer in the fixtures’ shapes; a used contact stays', async () => {
    sim.seedDomain('contacts1.com', new Date(1489915145266));
    const created = (await ask('create_contact', {
      name: 'B',
      email: 'b@example.com',
    })) as typeof FIXTURES.createContact.body;
    expect(shape(created)).toEqual(shape(FIXTURES.createContact.body));
    const id = created.CreateContactResponse.CreateContactContent.ContactId;
    expect(
      await ask('set_whois', { domain: 'contacts1.com', registrant_contact: id, admin_contact: id }),
    ).toEqual(FIXTURES.setWhois.body);
    const refused = (await ask('delete_contact', {
      contact_id: id,
    })) as typeof FIXTURES.deleteContactInUse.body;
    expect(shape(refused)).toEqual(shape(FIXTURES.deleteContactInUse.body));
    expect(refused.DeleteContactResponse.Error).toBe(`contact ${id} is used by contacts1.com`);
    const spare = (await ask('create_contact', {
      name: 'C',
      email: 'c@example.com',
    })) as typeof FIXTURES.createContact.body;
    expect(
      await ask('delete_contact', { contact_id: spare.CreateContactResponse.CreateContactContent.ContactId }),
    ).toEqual(FIXTURES.deleteContact.body);
    expect(sim.contacts.has(id)).toBe(true);
  });

  it('renew, get_ns, get_dns and set_dns2 answer in the fixtures’ shapes', async () => {
    expect(shape(await ask('renew', { domain: 'domain1.com', duration: 1, year: 2017 }))).toEqual(
      shape(FIXTURES.renew.body),
    );
    expect(shape(await ask('get_ns', { domain: 'domain1.com' }))).toEqual(shape(FIXTURES.getNs.body));
    expect(
      shape(
        await ask('set_dns2', {
          domain: 'domain1.com',
          main_record_type0: 'a',
          main_record0: '203.0.113.10',
          main_record_type1: 'mx',
          main_record1: 'mail.domain1.com',
          main_recordx1: 10,
          subdomain0: 'www',
          sub_record_type0: 'cname',
          sub_record0: 'domain1.com',
        }),
      ),
    ).toEqual(shape(FIXTURES.setDns2.body));
    expect(await ask('get_dns', { domain: 'domain1.com' })).toEqual(FIXTURES.getDns.body);
  });

  it('set_dnssec, get_dnssec and set_clear_domain_setting answer in the fixtures’ shapes', async () => {
    const fields = FIXTURES.getDnssec.body.GetDnssecResponse.DnssecInfo[0]!;
    expect(
      shape(
        await ask('set_dnssec', {
          domain_name: 'domain1.com',
          key_tag: fields.KeyTag,
          algorithm: fields.Algorithm,
          digest_type: fields.DigestType,
          digest: fields.Digest.toLowerCase(),
        }),
      ),
    ).toEqual(shape(FIXTURES.setDnssec.body));
    expect(await ask('get_dnssec', { domain_name: 'domain1.com' })).toEqual(FIXTURES.getDnssec.body);
    expect(await ask('set_clear_domain_setting', { domain: 'domain1.com', service: 'dnssec' })).toEqual(
      FIXTURES.clearDnssec.body,
    );
    expect(shape(await ask('get_dnssec', { domain_name: 'domain1.com' }))).toEqual({
      GetDnssecResponse: { DnssecInfo: [], ResponseCode: 'number', Status: 'string' },
    });
  });

  it('transfers: not listed at first, then the state words, newest order first', async () => {
    expect(shape(await ask('transfer', { domain: 'transferauth-a.com', auth: 'OLD' }))).toEqual(
      shape(FIXTURES.transfer.body),
    );
    expect(await ask('get_transfer_status', { domain: 'transferauth-a.com', transfer_type: 'in' })).toEqual(
      FIXTURES.transferStatusEmpty.body,
    );
    const words = async (d: string) =>
      (
        (await ask('get_transfer_status', { domain: d, transfer_type: 'in' })) as {
          GetTransferStatusResponse: { TransferList: Array<{ TransferStatus: string; OrderId: string }> };
        }
      ).GetTransferStatusResponse.TransferList;
    const [waiting] = await words('transferauth-a.com');
    expect(waiting!.TransferStatus).toBe('auth code needed');
    await ask('set_transfer_auth_code', {
      domain: 'transferauth-a.com',
      auth_code: 'NEW',
      order_id: waiting!.OrderId,
    });
    const seen: string[] = [];
    for (let i = 0; i < 5; i += 1) seen.push((await words('transferauth-a.com'))[0]!.TransferStatus);
    expect(seen).toEqual(['waiting', 'waiting', 'approved', 'Transferred', 'Transferred']);
    for (const [word] of TRANSFER_WORDS) expect(transferStateOf(word)).not.toBe('pending');
  });

  it('renew price_check: the price (a premium name at its own), and the domain not renewed', async () => {
    sim.seedDomain('premiumname.com', new Date('2027-06-01T00:00:00Z'));
    expect(
      await ask('renew', { domain: 'premiumname.com', duration: '1', currency: 'USD', price_check: '1' }),
    ).toEqual(FIXTURES.renewPriceCheck.body);
    expect(sim.domains.get('premiumname.com')!.expiresAt).toBe(Date.parse('2027-06-01T00:00:00Z'));
    expect(sim.operations.filter((o) => o.command === 'renew' && o.domain === 'premiumname.com')).toEqual([]);
  });

  it('glue: set_ns refuses an unregistered host inside a held domain, and takes it once registered', async () => {
    sim.seedDomain('brand.com', new Date('2027-06-01T00:00:00Z'));
    const ns = { domain: 'brand.com', ns0: 'ns1.brand.com', ns1: 'ns.outside.example' };
    expect(await ask('set_ns', ns)).toEqual({
      SetNsResponse: { ...FIXTURES.setNsNeedsGlue.body.SetNsResponse, ResponseCode: '-1' },
    });
    const registered = (await ask('register_ns', { host: 'ns1.brand.com', ip: '192.0.2.53' })) as {
      RegisterNsResponse: { RegisterNsContent: { ServerId: string } };
    };
    expect(Object.keys(registered.RegisterNsResponse)).toEqual(
      Object.keys(FIXTURES.registerNs.body.RegisterNsResponse),
    );
    const id = registered.RegisterNsResponse.RegisterNsContent.ServerId;
    expect(await ask('set_ns_ip', { server_id: id, ip0: '192.0.2.53', ip1: '2001:db8::53' })).toEqual(
      FIXTURES.setNsIp.body,
    );
    expect(await ask('server_list')).toEqual({
      ServerListResponse: {
        ResponseCode: '0',
        Status: 'success',
        ServerList: [
          { ServerId: id, ServerName: 'ns1.brand.com', ServerIp0: '192.0.2.53', ServerIp1: '2001:db8::53' },
        ],
      },
    });
    expect(await ask('set_ns', ns)).toMatchObject({ SetNsResponse: { Status: 'success' } });
    // In use: not deleted; once the domain points elsewhere, deleted.
    expect(JSON.stringify(await ask('delete_ns', { server_id: id }))).toContain('"ResponseCode":"-1"');
    await ask('set_ns', { domain: 'brand.com', ns0: 'ns.outside.example', ns1: 'ns2.outside.example' });
    expect(await ask('delete_ns', { server_id: id })).toEqual(FIXTURES.deleteNs.body);
  });

  it('cancel_transfer: a pending order is cancelled, an ended one refused', async () => {
    const placed = (await ask('transfer', { domain: 'transferstuck-a.com', auth: 'CODE' })) as {
      TransferResponse: { OrderId: string };
    };
    const order = { domain: 'transferstuck-a.com', order_id: placed.TransferResponse.OrderId };
    expect(await ask('cancel_transfer', order)).toEqual(FIXTURES.cancelTransfer.body);
    expect(JSON.stringify(await ask('get_transfer_status', { domain: 'transferstuck-a.com' }))).toContain(
      '"TransferStatus":"cancelled"',
    );
    expect(await ask('cancel_transfer', order)).toEqual(FIXTURES.cancelTransferEnded.body);
  });
});
