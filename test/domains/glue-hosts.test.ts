/**
 * Nameserver hosts (glue): a reseller's vanity nameservers under its own domain
 * (`ns1.brand.com`) must be registered at the registrar with their addresses before `set_ns`
 * takes them; the live Dynadot refuses them otherwise, and so does the simulator. Registered,
 * listed, readdressed and deleted from the API, the portal and the CLI.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addonNameserversWithoutGlue } from '../../src/hosted-dns/glue-check';
import { setPassword, signIn } from '../../src/services/sessions';
import { runCli } from '../cli-helpers';
import { makeReseller, request, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { uniqueName } from '../order-helpers';

const h = useOrderHarness();
let r: TestReseller;
let name: string;
let domainId: number;

beforeAll(async () => {
  r = await makeReseller(h.db);
  name = uniqueName('brand');
  const expires = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1));
  h.sim.seedDomain(name, expires);
  const [row] = (await h
    .db('domains')
    .insert({
      resellerId: r.id,
      name,
      expiresAt: expires,
      status: 'active',
      nameservers: ['ns1.dynadot.com', 'ns2.dynadot.com'],
    })
    .returning('id')) as Array<{ id: number }>;
  domainId = row!.id;
});

const v1 = (method: string, path: string, body?: unknown) =>
  request(h.api.url, `/api/v1${path}`, { method, apiKey: r.apiKey, ...(body ? { body } : {}) });
const calls = (command: string) => h.sim.calls.get(command) ?? 0;

describe('glue hosts', () => {
  it('set_ns is refused without them, and accepted once both hosts are registered', async () => {
    const vanity = [`ns1.${name}`, `ns2.${name}`];
    const refused = await v1('POST', `/domains/${name}/nameservers`, { nameservers: vanity });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'registrar_rejected',
      message: `'ns1.${name}' needs to be registered with an ip address before it can be used.`,
    });
    // Nothing changed: not at the registrar, not in our record.
    expect(h.sim.domains.get(name)!.nameservers).toEqual(['ns1.dynadot.com', 'ns2.dynadot.com']);
    expect(await h.db('domains').where({ id: domainId }).first('nameservers')).toEqual({
      nameservers: ['ns1.dynadot.com', 'ns2.dynadot.com'],
    });

    const before = { register: calls('register_ns'), setIp: calls('set_ns_ip') };
    const one = await v1('POST', `/domains/${name}/hosts`, { host: vanity[0], ips: ['192.0.2.53'] });
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ data: { host: { host: vanity[0], ips: ['192.0.2.53'] } } });
    const two = await v1('POST', `/domains/${name}/hosts`, {
      host: vanity[1]!.toUpperCase(),
      ips: ['192.0.2.54', '2001:db8::54'],
    });
    expect(two.status, two.text).toBe(200);
    // One register_ns each, and one set_ns_ip for the host with two addresses.
    expect(calls('register_ns') - before.register).toBe(2);
    expect(calls('set_ns_ip') - before.setIp).toBe(1);
    expect([...h.sim.hosts.values()].map((x) => [x.host, x.ips])).toEqual([
      [vanity[0], ['192.0.2.53']],
      [vanity[1], ['192.0.2.54', '2001:db8::54']],
    ]);

    const listed = await v1('GET', `/domains/${name}/hosts`);
    expect(listed.status).toBe(200);
    expect((listed.body['data'] as { hosts: Array<{ host: string; ips: string[] }> }).hosts).toMatchObject([
      { host: vanity[0], ips: ['192.0.2.53'] },
      { host: vanity[1], ips: ['192.0.2.54', '2001:db8::54'] },
    ]);

    const accepted = await v1('POST', `/domains/${name}/nameservers`, { nameservers: vanity });
    expect(accepted.status, accepted.text).toBe(200);
    expect(h.sim.domains.get(name)!.nameservers).toEqual(vanity);

    // Readdressed; deleting one in use is refused by the registrar and kept here.
    const moved = await v1('PUT', `/domains/${name}/hosts/${vanity[0]}`, { ips: ['198.51.100.7'] });
    expect(moved.status, moved.text).toBe(200);
    expect(h.sim.hosts.get(vanity[0]!)!.ips).toEqual(['198.51.100.7']);
    const inUse = await v1('DELETE', `/domains/${name}/hosts/${vanity[1]}`);
    expect(inUse.status).toBe(422);
    expect(inUse.body).toMatchObject({ code: 'registrar_rejected' });
    expect(await h.db('glueHosts').where({ host: vanity[1] }).first('host')).toEqual({ host: vanity[1] });
  });

  it("is another reseller's domain's business: 404 on its hosts, nothing sent to the registrar", async () => {
    const other = await makeReseller(h.db);
    const asOther = (method: string, path: string, body?: unknown) =>
      request(h.api.url, `/api/v1${path}`, { method, apiKey: other.apiKey, ...(body ? { body } : {}) });
    const registers = calls('register_ns');
    expect((await asOther('GET', `/domains/${name}/hosts`)).status).toBe(404);
    const posted = await asOther('POST', `/domains/${name}/hosts`, {
      host: `ns7.${name}`,
      ips: ['192.0.2.7'],
    });
    expect(posted.status).toBe(404);
    expect(posted.body).toMatchObject({ code: 'domain_not_found' });
    expect((await asOther('DELETE', `/domains/${name}/hosts/ns1.${name}`)).status).toBe(404);
    expect(calls('register_ns')).toBe(registers);
    expect(h.sim.hosts.has(`ns1.${name}`)).toBe(true);
  });

  it('refuses a host outside the domain, bad addresses and an unknown host, with field errors', async () => {
    const outside = await v1('POST', `/domains/${name}/hosts`, {
      host: 'ns1.elsewhere.example',
      ips: ['192.0.2.1'],
    });
    expect(outside.status).toBe(422);
    expect(outside.body['errors']).toEqual({
      host: [`The host must be under ${name} (such as ns1.${name}).`],
    });
    const badIp = await v1('POST', `/domains/${name}/hosts`, { host: `ns3.${name}`, ips: ['300.1.1.1'] });
    expect(badIp.status).toBe(422);
    expect(badIp.body['errors']).toEqual({ 'ips.0': ['Each address must be an IPv4 or IPv6 address.'] });
    const none = await v1('POST', `/domains/${name}/hosts`, { host: `ns3.${name}`, ips: [] });
    expect(none.body['errors']).toEqual({ ips: ['Send 1 to 10 addresses.'] });
    const unknown = await v1('PUT', `/domains/${name}/hosts/ns9.${name}`, { ips: ['192.0.2.9'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'host_not_found' });
    expect(h.sim.hosts.has(`ns3.${name}`)).toBe(false);
  });

  it("finds the DNS addon's nameservers under a domain we hold that have no glue (checked at worker start in production)", async () => {
    const addon = { nameservers: [`ns1.${name}`, `dns2.${name}`, 'ns.outside.example'] };
    const lists = calls('server_list');
    expect(await addonNameserversWithoutGlue({ db: h.db, registrar: h.registrar }, addon)).toEqual([
      `dns2.${name}`,
    ]);
    expect(calls('server_list') - lists).toBe(1);
    // Nothing under a domain of ours: nothing to ask the registrar.
    expect(
      await addonNameserversWithoutGlue(
        { db: h.db, registrar: h.registrar },
        { nameservers: ['ns1.elsewhere.example'] },
      ),
    ).toEqual([]);
    expect(calls('server_list') - lists).toBe(1);
  });

  it('the portal lists and registers hosts, and the CLI lists, sets and deletes them', async () => {
    const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'reseller', r.id, 'correct horse battery staple');
    const cookie = `dr_session=${await signIn(h.db, 'reseller', email, 'correct horse battery staple', {})}`;
    const page = await fetch(`${h.api.url}/portal/domains/${domainId}`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(`Nameserver hosts under ${name}`);
    expect(html).toContain('198.51.100.7');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(csrf).toBeTruthy();
    const posted = await fetch(`${h.api.url}/portal/domains/${domainId}/hosts`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf!, host: `ns3.${name}`, ips: '192.0.2.77, 2001:db8::77' }),
    });
    expect(posted.status).toBe(303);
    expect(h.sim.hosts.get(`ns3.${name}`)?.ips).toEqual(['192.0.2.77', '2001:db8::77']);

    const listed = await runCli(['host:list', name, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([{ host: `ns3.${name}`, ips: '192.0.2.77, 2001:db8::77' }]),
    );
    const set = await runCli(['host:set', name, `ns3.${name}`, '--ip', '203.0.113.3']);
    expect(set.code, set.stderr).toBe(0);
    expect(h.sim.hosts.get(`ns3.${name}`)?.ips).toEqual(['203.0.113.3']);
    const deleted = await runCli(['host:delete', name, `ns3.${name}`]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(h.sim.hosts.has(`ns3.${name}`)).toBe(false);
    expect(await h.db('glueHosts').where({ host: `ns3.${name}` })).toEqual([]);
  });
});
