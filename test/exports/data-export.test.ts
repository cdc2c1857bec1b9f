/**
 * A reseller's data export: everything it owns as one zip of JSON and CSV files, built by a
 * workflow; the archive opens, its ledger totals equal the wallet statement's, it carries no
 * secret, and after its link's time it is gone (410).
 */
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { setPassword, signIn } from '../../src/services/sessions';
import { makeReseller, request, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

// The link is kept 10 s here (a day by default): long enough to download, short enough to see it end.
const h = useOrderHarness({ apiEnv: { DATA_EXPORT_LINK_HOURS: String(10 / 3600) } });
let r: TestReseller;

const api = (method: string, path: string, body?: unknown) =>
  request(h.api.url, `/api/v1${path}`, { method, token: r.token, ...(body ? { body } : {}) });

beforeAll(async () => {
  r = await makeReseller(h.db);
  await topUp(h.db, r.id, 50_000n);
});

interface ExportJson {
  id: string;
  status: string;
  download_url: string | null;
  totals: { closing_balance_minor: string; currency: string; posted_entries: number } | null;
  files: Array<{ name: string; records: number }> | null;
}

describe("a reseller's data export", () => {
  it('opens as JSON and CSV of everything it owns, its totals equal the statement, then expires', async () => {
    // What the account holds: two domains (one with a contact handle), a refused order (a
    // voided hold), a webhook endpoint with its secret, and the API log of all of it.
    const handle = await api('POST', '/contacts', { ...SEED_CONTACT, email: 'export@handles.example' });
    const handleId = (handle.body['data'] as { contact: { id: string } }).contact.id;
    const names = [uniqueName('export1'), uniqueName('export2')];
    expect(
      (await api('POST', '/domains/register', { domain_name: names[0], registrant_contact_id: handleId }))
        .status,
    ).toBe(201);
    expect(
      (await api('POST', '/domains/register', { domain_name: names[1], registrant: SEED_CONTACT })).status,
    ).toBe(201);
    expect(
      (await api('POST', '/domains/register', { domain_name: uniqueName('taken'), registrant: SEED_CONTACT }))
        .status,
    ).toBe(422);
    const hook = await api('POST', '/webhooks', {
      url: 'http://127.0.0.1:9/in?token=abc',
      events: ['domain.expiring'],
    });
    const secret = (hook.body['data'] as { secret: string }).secret;

    // An API key may not export (account.manage): a token of the account may.
    const byKey = await request(h.api.url, '/api/v1/exports', { method: 'POST', apiKey: r.apiKey, body: {} });
    expect(byKey.status).toBe(403);
    const started = await api('POST', '/exports', {});
    expect(started.status).toBe(202);
    const id = (started.body['data'] as { export: ExportJson }).export.id;
    expect(started.headers.get('location')).toBe(`/api/v1/exports/${id}`);
    const again = await api('POST', '/exports', {});
    expect([202, 409]).toContain(again.status);
    if (again.status === 409) expect(again.body['code']).toBe('export_in_progress');

    const ready = (await eventually(async () => {
      const res = await api('GET', `/exports/${id}`);
      const e = (res.body['data'] as { export: ExportJson }).export;
      return e.status === 'ready' ? e : null;
    }, 30_000))!;
    expect(ready.download_url).toBe(`/api/v1/exports/${id}/archive`);
    const download = await fetch(`${h.api.url}${ready.download_url}`, {
      headers: { Authorization: `Bearer ${r.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    const text = (name: string) => strFromU8(files[name]!);
    const json = (name: string) => JSON.parse(text(name)) as Array<Record<string, unknown>>;

    const kinds = [
      'domains',
      'contacts',
      'orders',
      'invoices',
      'ledger',
      'webhooks',
      'events',
      'webhook-deliveries',
      'api-logs',
    ];
    expect(Object.keys(files).toSorted()).toEqual(
      [...kinds.flatMap((k) => [`${k}.json`, `${k}.csv`]), 'manifest.json', 'totals.json'].toSorted(),
    );
    // Each CSV holds the rows of its JSON twin.
    for (const k of kinds) {
      const rows = parse(text(`${k}.csv`), { columns: true }) as unknown[];
      expect(rows.length, k).toBe(json(`${k}.json`).length);
    }
    expect(
      json('domains.json')
        .map((d) => d['name'])
        .toSorted(),
    ).toEqual(names.toSorted());
    expect(json('contacts.json').map((c) => c['public_id'])).toContain(handleId);
    expect(
      json('orders.json')
        .map((o) => o['status'])
        .toSorted(),
    ).toEqual(['completed', 'completed', 'failed']);
    expect(json('api-logs.json').length).toBeGreaterThanOrEqual(5);
    const manifest = JSON.parse(text('manifest.json')) as { reseller: { id: number }; files: unknown[] };
    expect(manifest.reseller.id).toBe(r.id);

    // The ledger's totals equal the wallet statement's, and the entries sum to them.
    const totals = JSON.parse(text('totals.json')) as {
      closing_balance_minor: string;
      currency: string;
      posted_entries: number;
    };
    const statement = await api('GET', '/wallet/transactions?limit=100');
    const closing = (
      statement.body['data'] as {
        statement: { closing_balance: { amount_minor: string }; transactions: unknown[] };
      }
    ).statement;
    expect(totals.closing_balance_minor).toBe(closing.closing_balance.amount_minor);
    expect(totals.posted_entries).toBe(closing.transactions.length);
    const posted = json('ledger.json').filter((e) => e['status'] === 'posted');
    expect(posted.reduce((n, e) => n + BigInt(String(e['amount_minor'])), 0n).toString()).toBe(
      totals.closing_balance_minor,
    );
    expect(ready.totals).toMatchObject(totals);
    expect(json('ledger.json').some((e) => e['status'] === 'voided')).toBe(true);

    // No secret rides along: not the webhook's, not a sealed one, not the API key.
    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(r.apiKey);
    expect(everything).not.toContain(r.token);
    expect(json('webhooks.json')[0]).not.toHaveProperty('secret');

    // The link's time is up: the archive is deleted by the export's workflow, and the link says so.
    await eventually(async () => {
      const row = (await h.db('dataExports').where({ publicId: id }).first('status', 'archive')) as {
        status: string;
        archive: Buffer | null;
      };
      return row.status === 'expired' && row.archive === null ? true : null;
    }, 30_000);
    const gone = await api('GET', `/exports/${id}/archive`);
    expect(gone.status).toBe(410);
    expect(gone.body['code']).toBe('export_expired');
    const shown = await api('GET', `/exports/${id}`);
    expect((shown.body['data'] as { export: ExportJson }).export).toMatchObject({
      status: 'expired',
      download_url: null,
    });
  }, 120_000);

  it('the portal prepares one, reloads itself while it is built, and downloads the archive', async () => {
    const other = await makeReseller(h.db);
    await topUp(h.db, other.id, 7_500n);
    const { email } = (await h.db('resellers').where({ id: other.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'reseller', other.id, 'correct horse battery staple');
    const cookie = `dr_session=${await signIn(h.db, 'reseller', email, 'correct horse battery staple', {})}`;
    const page = await fetch(`${h.api.url}/portal/exports`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('No exports yet.');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    const posted = await fetch(`${h.api.url}/portal/exports`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf! }),
    });
    expect(posted.status).toBe(303);
    const link = await eventually(async () => {
      const res = await fetch(`${h.api.url}/portal/exports`, { headers: { cookie } });
      const body = await res.text();
      // While it is built, the page asks to be loaded again (no script).
      if (body.includes('being built')) expect(res.headers.get('refresh')).toBe('3');
      return /href="(\/portal\/exports\/exp_[0-9a-f]+\/archive)"/.exec(body)?.[1] ?? null;
    }, 30_000);
    const zip = await fetch(`${h.api.url}${link!}`, { headers: { cookie } });
    expect(zip.status).toBe(200);
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const totals = JSON.parse(strFromU8(files['totals.json']!)) as { closing_balance_minor: string };
    expect(totals.closing_balance_minor).toBe('7500');
  });
});
