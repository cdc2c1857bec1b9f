import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { decode } from '@temporalio/common/lib/encoding';
import { describe, expect, inject, it } from 'vitest';
import { setPassword, signIn } from '../../src/services/sessions';
import { domainReconcileWorkflowId } from '../../workflows/contracts';
import { payloadConverter } from '../../workflows/payload-converter';
import { useOrderHarness } from '../harness';
import { call, makeAdmin, makeReseller } from '../helpers';
import { completedRegistration, eventually, PRIVATE_CONTACT, topUp } from '../order-helpers';
import { poolNamespace } from '../pool';

/*
 * Registrants' personal data out of Temporal: an order's history as the Temporal server stores
 * it (and anyone reading its database, a history export or the UI without the codec sees it)
 * holds none of the registrant's name, e-mail or phone; summaries stay readable; the codec server
 * gives the input back in full to an operator (console session or admin token) and to nobody
 * else; the `temporal` CLI reads it through the codec server with an admin token.
 */

const h = useOrderHarness({ registrarLagMs: 60_000 });
const run = promisify(execFile);

const REGISTRANT = PRIVATE_CONTACT;
const PERSONAL = [REGISTRANT.name, REGISTRANT.email, REGISTRANT.phone, REGISTRANT.address1, '81234567890'];

type Payload = temporal.api.common.v1.IPayload;
type Event = temporal.api.history.v1.IHistoryEvent;

/**
 * Every payload anywhere in the events as stored (found by shape: metadata and data), with where
 * it is; search attributes aside (never encoded: what the list and its filters read).
 */
function payloadsIn(value: unknown, at = '', out: Array<[string, Payload]> = []): Array<[string, Payload]> {
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return out;
  if ('metadata' in value && 'data' in value) out.push([at, value as Payload]);
  for (const [k, v] of Object.entries(value)) if (k !== 'searchAttributes') payloadsIn(v, `${at}.${k}`, out);
  return out;
}

/** Every byte string in the events as text, in the encodings a reader would try. */
function textOf(events: Event[]): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) {
      const b = Buffer.from(v);
      parts.push(b.toString('utf8'), b.toString('latin1'));
    } else if (typeof v === 'string') parts.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(events);
  return parts.join('\n');
}

const encoding = (p: Payload) => decode(p.metadata!['encoding']!);

async function placeOrder() {
  const r = await makeReseller(h.db);
  await topUp(h.db, r.id, 10_000n);
  const order = await completedRegistration(h, r.apiKey, 'private', REGISTRANT);
  expect(order.status).toBe(201);
  return order;
}

const codec = (op: 'decode' | 'encode', payloads: unknown[], headers: Record<string, string> = {}) =>
  call(`${h.api.url}/console/codec/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': poolNamespace(), ...headers },
    body: JSON.stringify({ payloads }),
  });

const asJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

interface OrderInputRefs {
  domain: string;
  contacts: unknown;
  contactRefs: { registrant: number; admin: number };
}
/** A decoded order input: the registrant's handle by its ID, and no person in it. */
async function expectHandleOf(input: OrderInputRefs): Promise<void> {
  expect(input.contacts).toBeNull();
  const handle = (await h.db('contacts').where({ id: input.contactRefs.registrant }).first()) as Record<
    string,
    unknown
  >;
  expect(handle).toMatchObject({ name: REGISTRANT.name, email: REGISTRANT.email, phone: REGISTRANT.phone });
  for (const value of PERSONAL) expect(JSON.stringify(input)).not.toContain(value);
}

describe('personal data in Temporal', () => {
  it("an order's stored history holds no registrant data; summaries are readable; the codec gives the input back", async () => {
    const order = await placeOrder();
    const ids = [order.workflowId];
    // The registration's follow-up, started by the order's local activity, is written the same way.
    const domainId = (await eventually(
      async () =>
        ((await h.db('domains').where({ name: order.domain }).first('id')) as { id: number } | undefined)?.id,
      30_000,
    ))!;
    ids.push(domainReconcileWorkflowId(domainId));
    for (const workflowId of ids) {
      const events = (await h.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      expect(events.length).toBeGreaterThan(0);
      const text = textOf(events);
      for (const value of PERSONAL) expect(text, `${workflowId}: ${value}`).not.toContain(value);
      const payloads = payloadsIn(events);
      // What is not encrypted is a readable summary (plain JSON text), or what the SDK's core
      // writes in its own markers (a local activity's type, attempt and times; a patch's id).
      for (const [at, p] of payloads)
        if (
          encoding(p) !== 'binary/encrypted' &&
          !/markerRecordedEventAttributes\.details\.(data|patch-data)\./.test(at)
        ) {
          expect(
            decode(p.metadata!['readable'] ?? new Uint8Array()),
            `${workflowId} ${at}: ${encoding(p)}`,
          ).toBe('1');
          expect(typeof payloadConverter.fromPayload(p)).toBe('string');
        }
    }
    const events = (await h.temporal.workflow.getHandle(order.workflowId).fetchHistory()).events ?? [];
    const input = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(encoding(input)).toBe('binary/encrypted');
    expect(decode(input.metadata!['encryption-key-id']!)).toBe('dev-1');
    const summary = events[0]!.userMetadata!.summary!;
    expect(payloadConverter.fromPayload<string>(summary)).toMatch(
      new RegExp(`^Register ${order.domain} · 1 year`),
    );

    // The operator's way in: an admin token, or the console's session cookie.
    const admin = await makeAdmin(h.db, ['admin.read']);
    const byToken = await codec('decode', [asJson(input)], { Authorization: `Bearer ${admin.token}` });
    expect(byToken.status).toBe(200);
    const clear = fromJson(
      (byToken.body as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads[0]!,
    );
    // The input reads back in full: it names the registrant's contact handle, never the person
    // (whose details are in Postgres, on the handle).
    const orderInput = payloadConverter.fromPayload<OrderInputRefs>(clear);
    await expectHandleOf(orderInput);

    const email = (await h.db('admins').where({ id: admin.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'admin', admin.id, 'codec-test-password-1');
    const session = await signIn(h.db, 'admin', email.email, 'codec-test-password-1', {});
    const byCookie = await codec('decode', [asJson(input)], {
      Cookie: `dr_console=${session}`,
      Origin: 'http://127.0.0.1:8233',
    });
    expect(byCookie.status).toBe(200);
    expect(byCookie.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(byCookie.headers.get('access-control-allow-credentials')).toBe('true');
    expect(JSON.stringify(byCookie.body)).toBe(JSON.stringify(byToken.body));

    // Encode then decode round-trips (the UI encodes what an operator sends a workflow).
    const plain = asJson(payloadConverter.toPayload({ note: 'from the UI' }));
    const sealed = await codec('encode', [plain], { Authorization: `Bearer ${admin.token}` });
    const sealedPayload = (
      sealed.body as { payloads: Array<{ metadata: Record<string, string>; data: string }> }
    ).payloads[0]!;
    expect(Buffer.from(sealedPayload.metadata['encoding']!, 'base64').toString()).toBe('binary/encrypted');
    const opened = await codec('decode', [sealedPayload], { Authorization: `Bearer ${admin.token}` });
    expect((opened.body as { payloads: unknown[] }).payloads[0]).toEqual(plain);
  });

  it('answers nobody else: no credential, a reseller key, a reseller session, an admin token without admin.read', async () => {
    const r = await makeReseller(h.db);
    const probe = asJson(payloadConverter.toPayload({ x: 1 }));
    const none = await codec('decode', [probe], { Origin: 'http://127.0.0.1:8233' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, code: 'unauthenticated' });
    // The 401 still carries CORS headers, so the UI reads it (and shows the payloads encoded).
    expect(none.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect((await codec('decode', [probe], { 'X-API-KEY': r.apiKey })).status).toBe(401);
    expect((await codec('decode', [probe], { Authorization: `Bearer ${r.token}` })).status).toBe(401);
    const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'reseller', r.id, 'codec-test-password-2');
    const resellerSession = await signIn(h.db, 'reseller', email, 'codec-test-password-2', {});
    expect((await codec('decode', [probe], { Cookie: `dr_console=${resellerSession}` })).status).toBe(401);
    const writer = await makeAdmin(h.db, ['admin.write']);
    const lacking = await codec('decode', [probe], { Authorization: `Bearer ${writer.token}` });
    expect(lacking.status).toBe(403);

    // A preflight from the UI's origin is allowed with credentials; another origin is not.
    const preflight = (origin: string) =>
      fetch(`${h.api.url}/console/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-namespace',
        },
      });
    const ui = await preflight('http://127.0.0.1:8233');
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    // Bad input is a 422 with field errors, not a 500.
    const admin = await makeAdmin(h.db, ['admin.read']);
    const bad = await call(`${h.api.url}/console/codec/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ payloads: [{ data: 'not base64!' }] }),
    });
    expect(bad.status).toBe(422);
  });

  it('the temporal CLI shows the input through the codec server with an admin token, ciphertext without', async () => {
    const order = await placeOrder();
    const admin = await makeAdmin(h.db, ['admin.read']);
    const address = inject('temporalAddress');
    const show = async (codecArgs: string[]) =>
      (
        await run(
          inject('temporalBin'),
          [
            'workflow',
            'show',
            '--workflow-id',
            order.workflowId,
            '--address',
            address,
            '--namespace',
            poolNamespace(),
            '--output',
            'json',
            ...codecArgs,
          ],
          { maxBuffer: 16 * 1024 * 1024 },
        )
      ).stdout;
    const clear = await show([
      '--codec-endpoint',
      `${h.api.url}/console/codec`,
      '--codec-auth',
      `Bearer ${admin.token}`,
    ]);
    // The CLI prints payloads as proto JSON: metadata and data in base64.
    const startInput = (out: string) => {
      const { events } = JSON.parse(out) as {
        events: Array<{
          workflowExecutionStartedEventAttributes?: {
            input: { payloads: Array<{ metadata: Record<string, string>; data: string }> };
          };
        }>;
      };
      return fromJson(events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!);
    };
    const decoded = startInput(clear);
    expect(encoding(decoded)).toBe('json/plain');
    await expectHandleOf(payloadConverter.fromPayload<OrderInputRefs>(decoded));
    const sealed = await show([]);
    expect(encoding(startInput(sealed))).toBe('binary/encrypted');
    const everything = [
      sealed,
      ...[...sealed.matchAll(/"([A-Za-z0-9+/]{8,}={0,2})"/g)].map((m) =>
        Buffer.from(m[1]!, 'base64').toString('latin1'),
      ),
    ].join('\n');
    for (const value of PERSONAL) expect(everything).not.toContain(value);
  });
});
