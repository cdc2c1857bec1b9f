/**
 * Contact handles: a contact made once and named by its ID registers three domains with one
 * contact at the registrar; an edit reaches all three there (and the contact it replaced is
 * deleted there); a delete while domains use it is refused with their names. The person never
 * rides in a workflow's input: the runs carry handle IDs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeReseller, request, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { runCli } from '../cli-helpers';

const h = useOrderHarness();
let r: TestReseller;

const OWNER = {
  name: 'Handle Owner',
  organization: 'Handle Holdings',
  address1: '9 Registry Lane',
  city: 'Arusha',
  postcode: '23101',
  country: 'tz',
  phone: '+255.754000111',
  email: 'owner@handles.example',
};

beforeAll(async () => {
  r = await makeReseller(h.db);
  await topUp(h.db, r.id, 100_000n);
});

const v1 = (method: string, path: string, body?: unknown, key?: string) =>
  request(h.api.url, `/api/v1${path}`, {
    method,
    apiKey: r.apiKey,
    ...(body ? { body } : {}),
    ...(key ? { key } : {}),
  });
const calls = () => Object.fromEntries(h.sim.calls) as Record<string, number>;
const delta = (before: Record<string, number>, command: string) =>
  (calls()[command] ?? 0) - (before[command] ?? 0);
/** The registrar's contacts holding this e-mail. */
const heldWith = (email: string) => [...h.sim.contacts.entries()].filter(([, c]) => c['email'] === email);

describe('contact handles', () => {
  it('validate as registrars require, and the same person sent twice is one handle', async () => {
    const bad = await v1('POST', '/contacts', {
      ...OWNER,
      phone: '0754 000 111',
      country: 'Tanzania',
      email: 'nope',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      success: false,
      code: 'validation_error',
      errors: {
        phone: ['The phone must look like +255.754123456.'],
        country: ['The country must be a two-letter ISO 3166-1 code.'],
        email: ['The email must be a valid email address.'],
      },
    });
    const created = await v1('POST', '/contacts', OWNER);
    expect(created.status).toBe(201);
    const contact = (created.body['data'] as { contact: Record<string, unknown> }).contact;
    expect(contact).toMatchObject({
      name: 'Handle Owner',
      country: 'TZ',
      version: 1,
      registrar_contact_id: null,
    });
    expect(contact['id']).toMatch(/^con_[0-9a-f]{20}$/);
    const again = await v1('POST', '/contacts', { ...OWNER, email: 'Owner@Handles.Example' });
    expect(again.status).toBe(200);
    expect((again.body['data'] as { contact: { id: string } }).contact.id).toBe(contact['id']);
    // An order naming a handle that is not the reseller's, or naming it both ways, is refused.
    const unknown = await v1('POST', '/domains/register', {
      domain_name: uniqueName('nohandle'),
      registrant_contact_id: 'con_00000000000000000000',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body['errors']).toEqual({
      registrant_contact_id: ['No contact con_00000000000000000000 in this account.'],
    });
    const both = await v1('POST', '/domains/register', {
      domain_name: uniqueName('both'),
      registrant: OWNER,
      registrant_contact_id: contact['id'],
    });
    expect(both.status).toBe(422);
    expect(both.body['errors']).toEqual({
      registrant_contact_id: ['Send registrant or registrant_contact_id, not both.'],
    });
    const none = await v1('POST', '/domains/register', { domain_name: uniqueName('none') });
    expect(none.body['errors']).toEqual({
      registrant: ['The registrant field is required (or registrant_contact_id).'],
    });
  });

  it('register three domains as one registrar contact; an edit reaches all three; a used one is not deleted', async () => {
    const created = await v1('POST', '/contacts', { ...OWNER, email: 'three@handles.example' });
    const id = (created.body['data'] as { contact: { id: string } }).contact.id;
    const before = calls();
    const names = [uniqueName('handle1'), uniqueName('handle2'), uniqueName('handle3')];
    // At once: the three orders' registrar steps share the handle's one contact.
    const placed = await Promise.all(
      names.map((domain_name) => v1('POST', '/domains/register', { domain_name, registrant_contact_id: id })),
    );
    for (const p of placed) expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(delta(before, 'create_contact')).toBe(1);
    expect(delta(before, 'register')).toBe(3);
    const held = heldWith('three@handles.example');
    expect(held).toHaveLength(1);
    const [registrarId] = held[0]!;
    for (const name of names)
      expect(h.sim.domains.get(name)?.contacts).toEqual({ registrant: registrarId, admin: registrarId });
    const shown = await v1('GET', `/contacts/${id}`);
    expect(shown.body['data']).toMatchObject({
      contact: { id, registrar_contact_id: registrarId, version: 1 },
      domains: names
        .toSorted()
        .map((domain_name) => ({ domain_name, roles: ['registrant', 'admin'], up_to_date: true })),
    });
    // The runs carry the handle's ID, never the person: the orders' rows name it too.
    const orders = (await h.db('orders').whereIn('domainName', names)) as Array<{
      workflowId: string;
      request: { contacts?: unknown; contactRefs?: unknown };
    }>;
    const handleRow = (await h.db('contacts').where({ publicId: id }).first('id')) as { id: number };
    for (const o of orders) {
      expect(o.request.contactRefs).toEqual({ registrant: handleRow.id, admin: handleRow.id });
      const history = await h.temporal.workflow.getHandle(o.workflowId).fetchHistory();
      expect(JSON.stringify(history)).not.toContain('three@handles.example');
    }

    // Used by three domains: not deleted, and the answer names them.
    const refused = await v1('DELETE', `/contacts/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'contact_in_use',
      message: `Contact ${id} is used by domains ${names.toSorted().join(', ')}: it cannot be deleted.`,
      errors: { domains: names.toSorted() },
    });

    // The edit: our record at once, then pushed to each domain at the registrar by a workflow.
    const pushBefore = calls();
    const edited = await v1('PATCH', `/contacts/${id}`, {
      email: 'moved@handles.example',
      phone: '+255.754999000',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body['data']).toMatchObject({
      contact: { id, email: 'moved@handles.example', version: 2, registrar_contact_id: null },
      push: { domains: 3, status: 'processing' },
    });
    const after = await eventually(async () => {
      const res = await v1('GET', `/contacts/${id}`);
      const data = res.body['data'] as {
        domains: Array<{ up_to_date: boolean }>;
        contact: { registrar_contact_id: string | null };
      };
      return data.domains.every((d) => d.up_to_date) && data.contact.registrar_contact_id ? data : null;
    }, 60_000);
    const newId = after!.contact.registrar_contact_id!;
    expect(newId).not.toBe(registrarId);
    for (const name of names) {
      expect(h.sim.domains.get(name)?.contacts).toEqual({ registrant: newId, admin: newId });
      expect(h.sim.contacts.get(newId)).toMatchObject({
        email: 'moved@handles.example',
        phonecc: '255',
        phonenum: '754999000',
      });
    }
    // The contact it replaced is deleted there once no domain uses it: the registrar holds one.
    await eventually(() => Promise.resolve(h.sim.contacts.has(registrarId) ? null : true), 30_000);
    expect(heldWith('moved@handles.example')).toHaveLength(1);
    expect(heldWith('three@handles.example')).toHaveLength(0);
    expect(delta(pushBefore, 'create_contact')).toBe(1);
    expect(delta(pushBefore, 'set_whois')).toBe(3);
    expect(delta(pushBefore, 'delete_contact')).toBe(1);
    // Our record of each domain's Whois is the edited contact.
    const whois = await v1('GET', `/domains/${names[0]!}/whois`);
    expect(whois.body['data']).toMatchObject({
      registrant: { email: 'moved@handles.example', phone: '+255.754999000' },
    });
    expect(h.sim.breaches).toEqual({ threads: 0, rate: 0 });
  }, 120_000);

  it('inline contacts are saved as handles, the same person once; an unused handle is deleted', async () => {
    const inline = { ...SEED_CONTACT, email: 'inline@handles.example' };
    const before = calls();
    for (const domain_name of [uniqueName('inline1'), uniqueName('inline2')]) {
      const res = await v1('POST', '/domains/register', { domain_name, registrant: inline });
      expect(res.status).toBe(201);
    }
    expect(delta(before, 'create_contact')).toBe(1);
    const listed = await v1('GET', '/contacts?limit=100');
    const mine = (
      listed.body['data'] as { contacts: Array<{ id: string; email: string; domain_count: number }> }
    ).contacts.filter((c) => c.email === 'inline@handles.example');
    expect(mine).toEqual([expect.objectContaining({ domain_count: 2 })]);

    const spare = await v1('POST', '/contacts', { ...OWNER, email: 'spare@handles.example' });
    const spareId = (spare.body['data'] as { contact: { id: string } }).contact.id;
    expect((await v1('DELETE', `/contacts/${spareId}`)).status).toBe(200);
    expect((await v1('GET', `/contacts/${spareId}`)).status).toBe(404);
    // The reseller v1 surface serves the same handles.
    const seed000 = await request(h.api.url, '/api/reseller/v1/contacts?limit=100', { token: r.token });
    expect(seed000.status).toBe(200);
    expect((seed000.body['data'] as { contacts: Array<{ id: string }> }).contacts.map((c) => c.id)).toContain(
      mine[0]!.id,
    );
    // And the CLI.
    const cli = await runCli(['contact:list', '--reseller', String(r.id), '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as Array<{ id: string }>).map((c) => c.id)).toContain(mine[0]!.id);
  });
});
