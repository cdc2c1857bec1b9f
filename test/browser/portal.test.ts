import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Domain } from '../../src/db/models';
import { checkLedger } from '../../src/services/ledger-check';
import { setPassword } from '../../src/services/sessions';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName, withRefusedCapture } from '../order-helpers';
import { makeAdmin, makeReseller, request, type TestReseller } from '../helpers';
import { runCli } from '../cli-helpers';
import { receiver } from '../receiver';
import { launchChromium, look, signIn } from './browser';
import { poolNamespace } from '../pool';

/*
 * The portal and the console as people use them: a real Chromium against the real app, Postgres
 * and Temporal. What is checked is what the browser shows and what the API, the registrar
 * simulator and a webhook receiver then see.
 */

const h = useOrderHarness();
let browser: Browser;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function resellerWithPassword(): Promise<TestReseller & { email: string }> {
  const r = await makeReseller(h.db);
  await setPassword(h.db, 'system', 'reseller', r.id, PASSWORD);
  const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
  return { ...r, email };
}

async function signedInReseller(): Promise<{
  r: TestReseller & { email: string };
  ctx: BrowserContext;
  page: Page;
}> {
  const r = await resellerWithPassword();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, h.api.url, 'portal', r.email, PASSWORD);
  return { r, ctx, page };
}

const api = (path: string, opts: Parameters<typeof request>[2] = {}) => request(h.api.url, path, opts);
const secretOnPage = async (page: Page) =>
  (await page.locator('[data-secret]').first().textContent())!.trim();

describe('the reseller portal in Chromium', () => {
  it('signs in, regenerates the API key (new works, old 401) and edits the whitelist (403, then 200)', async () => {
    const { r, ctx, page } = await signedInReseller();
    try {
      await look(page, 'portal-dashboard');
      await page.getByRole('link', { name: 'API Access' }).click();
      await look(page, 'portal-api-access');
      await page.getByLabel('Keep the old key working for').selectOption('0');
      await page.getByRole('button', { name: 'Regenerate API key…' }).click();
      await page.getByRole('button', { name: 'Yes, regenerate and stop the old key now' }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'Your new API key' }).count()).toBe(1);
      const newKey = await secretOnPage(page);
      expect(newKey).toMatch(/^dak_/);
      await look(page, 'portal-api-key-shown-once');
      expect((await api('/api/v1/domains', { apiKey: newKey })).status).toBe(200);
      expect((await api('/api/v1/domains', { apiKey: r.apiKey })).status).toBe(401);

      // A bad entry is refused with its reason; nothing changes.
      await page.getByLabel(/IP addresses and CIDR ranges/).fill('not-an-ip');
      await page.getByRole('button', { name: 'Save whitelist' }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toContain('"not-an-ip" is not an IP address or CIDR range');
      await look(page, 'portal-whitelist-error');
      expect((await api('/api/v1/domains', { apiKey: newKey })).status).toBe(200);

      await page.getByLabel(/IP addresses and CIDR ranges/).fill('203.0.113.9');
      await page.getByRole('button', { name: 'Save whitelist' }).click();
      // The list shuts out the address the page is used from: confirmed first.
      await page.getByRole('button', { name: 'Yes, save the whitelist' }).click();
      await expect
        .poll(() => page.getByRole('status').textContent())
        .toContain('Whitelist saved: 203.0.113.9');
      const outside = await api('/api/v1/domains', { apiKey: newKey });
      expect([outside.status, outside.body['code']]).toEqual([403, 'ip_not_allowed']);
      await page.getByLabel(/IP addresses and CIDR ranges/).fill('127.0.0.1\n::1');
      await page.getByRole('button', { name: 'Save whitelist' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Whitelist saved');
      expect((await api('/api/v1/domains', { apiKey: newKey })).status).toBe(200);
    } finally {
      await ctx.close();
    }
  });

  it('enables hosted DNS, adds a record that dig then answers, refuses a bad one, and signs the zone', async () => {
    const { r, ctx, page } = await signedInReseller();
    try {
      const name = uniqueName('portaldns');
      h.sim.seedDomain(name, new Date(Date.UTC(2030, 0, 1)), {
        nameservers: ['ns1.own.test', 'ns2.own.test'],
      });
      const [row] = (await h
        .db('domains')
        .insert({
          resellerId: r.id,
          name,
          expiresAt: new Date(Date.UTC(2030, 0, 1)),
          nameservers: ['ns1.own.test', 'ns2.own.test'],
        })
        .returning('id')) as Array<{ id: number }>;
      await page.goto(`${h.api.url}/portal/domains/${row!.id}`);
      await page.getByRole('link', { name: /DNS records and DNSSEC/ }).click();
      await page.getByLabel('Change the nameservers').check();
      await page.getByRole('button', { name: 'Enable DNS management' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('DNS management enabled.');
      expect(await page.locator('[data-figure="dns-mode"]').textContent()).toBe('hosted DNS');
      expect(h.sim.domains.get(name)!.nameservers).toEqual([
        'ns1.reseller-dns.test',
        'ns2.reseller-dns.test',
      ]);

      await page.getByLabel('Type').selectOption('MX');
      await page.getByLabel(/^Name/).fill('@');
      await page.getByLabel('Value').fill('203.0.113.5');
      await page.getByLabel(/^Priority/).fill('10');
      await page.getByRole('button', { name: 'Add record' }).click();
      await expect.poll(() => page.locator('#f-value-help').textContent()).toContain('not an IP address');
      await look(page, 'portal-dns-error');

      await page.getByLabel('Value').fill(`mail.${name}`);
      await page.getByRole('button', { name: 'Add record' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Record added.');
      const row1 = page.getByRole('row').filter({ hasText: `10 mail.${name}` });
      expect(await row1.getByRole('cell').nth(5).textContent()).toBe('yes');
      const { stdout } = await promisify(execFile)('dig', [
        '@127.0.0.1',
        '-p',
        String(inject('dnsPort')),
        '+short',
        name,
        'MX',
      ]);
      expect(stdout.trim()).toBe(`10 mail.${name}.`);

      await page.getByRole('button', { name: 'Sign the zone (DNSSEC)' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('The zone is signed.');
      expect(await page.locator('[data-figure="dnssec"]').textContent()).toBe('signed');
      expect(h.sim.domains.get(name)!.dnssec).toHaveLength(1);
      await look(page, 'portal-dns');
    } finally {
      await ctx.close();
    }
  });

  it('creates a webhook, sends a test event, and the receiver gets it with a valid signature', async () => {
    const rx = await receiver(() => 200);
    const { ctx, page } = await signedInReseller();
    try {
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByLabel('URL').fill(rx.url);
      await page.getByLabel('Description (optional)').fill('<script>alert("hook")</script> billing');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect
        .poll(() => page.getByRole('heading', { name: "The endpoint's signing secret" }).count())
        .toBe(1);
      const secret = await secretOnPage(page);
      // The description is text on the page, not markup.
      expect(await page.getByText('<script>alert("hook")</script> billing').count()).toBe(1);
      await look(page, 'portal-webhooks');
      await page.getByRole('link', { name: rx.url.replace('http://', '') }).click();
      const endpointPage = page.url();
      await page.getByRole('button', { name: 'Send test event' }).click();
      await expect
        .poll(() => page.locator('[data-test-outcome]').getAttribute('data-test-outcome'))
        .toBe('delivered');
      await look(page, 'portal-webhook-test');
      expect(rx.got).toHaveLength(1);
      const got = rx.got[0]!;
      const ts = String(got.headers['x-webhook-timestamp']);
      expect(got.headers['x-webhook-signature']).toBe(
        `sha256=${createHmac('sha256', secret).update(`${ts}.${got.body}`).digest('hex')}`,
      );
      expect(JSON.parse(got.body)).toMatchObject({ type: 'webhook.test' });
      await page.goto(endpointPage);
      expect(await page.getByRole('cell', { name: 'webhook.test', exact: true }).count()).toBe(1);
    } finally {
      await ctx.close();
      await rx.close();
    }
  });

  it('pays an unpaid invoice from the wallet and sees the order complete', async () => {
    const { r, ctx, page } = await signedInReseller();
    try {
      await topUp(h.db, r.id, 5_000n);
      const domain = uniqueName('portal-pay');
      const placed = await api('/api/reseller/v1/orders/register', {
        token: r.token,
        key: `pay-${domain}`,
        body: { domain, registrant: SEED_CONTACT },
      });
      expect(placed.status, placed.text).toBe(201);
      await page.goto(`${h.api.url}/portal`);
      await look(page, 'portal-dashboard-unpaid');
      await page.getByRole('button', { name: 'Pay from wallet' }).click();
      await page.waitForURL(/\/portal\/orders\/ord_/);
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.locator('[data-status]').first().getAttribute('data-status');
          },
          { timeout: 20_000 },
        )
        .toBe('completed');
      await look(page, 'portal-order-completed');
      expect(h.sim.count('register', domain)).toBe(1);
      expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 5_000n - 1_299n, held: 0n });
    } finally {
      await ctx.close();
    }
  });

  it('renders a hostile domain name as text, works at 360 px, and refuses a form without its CSRF token', async () => {
    const r = await resellerWithPassword();
    const hostile = `<script>alert(1)</script>-${Date.now()}.com`;
    await Domain.query(h.db).insert({
      resellerId: r.id,
      name: hostile,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const ctx = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const page = await ctx.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    try {
      await signIn(page, h.api.url, 'portal', r.email, PASSWORD);
      await look(page, 'portal-dashboard-360px');
      await page.goto(`${h.api.url}/portal/domains`);
      expect(await page.getByRole('link', { name: hostile }).count()).toBe(1);
      await look(page, 'portal-domains-360px');
      for (const path of ['/portal/orders', '/portal/wallet', '/portal/tokens', '/portal/api-logs']) {
        await page.goto(`${h.api.url}${path}`);
        await look(page, `portal-${path.split('/').pop()}-360px`);
      }
      expect(dialogs).toBe(0);

      // The session cookie alone does not make a change: the form's token must come with it.
      const before = (await h.db('resellers').where({ id: r.id }).first('apiIpAllowlist')) as object;
      const forged = await page.request.post(`${h.api.url}/portal/api-access/whitelist`, {
        form: { ips: '0.0.0.0/0' },
      });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain('did not come from this site');
      const wrong = await page.request.post(`${h.api.url}/portal/api-access/whitelist`, {
        form: { ips: '0.0.0.0/0', _csrf: 'guessed' },
      });
      expect(wrong.status()).toBe(403);
      expect(await h.db('resellers').where({ id: r.id }).first('apiIpAllowlist')).toEqual(before);
      const headers = (await page.request.get(`${h.api.url}/portal`)).headers();
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(headers['content-security-policy']).not.toContain('unsafe-inline');
      const cookie = (await ctx.cookies()).find((c) => c.name === 'dr_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal' });
    } finally {
      await ctx.close();
    }
  });

  it('throttles repeated wrong passwords and ends the session at sign-out', async () => {
    const r = await resellerWithPassword();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    try {
      for (let i = 0; i < 5; i += 1) {
        await page.goto(`${h.api.url}/portal/sign-in`);
        await page.getByLabel('Email').fill(r.email);
        await page.getByLabel('Password').fill('wrong password here');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
      }
      await page.getByLabel('Email').fill(r.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Too many attempts');
      await look(page, 'portal-sign-in-throttled');
      // Another account from elsewhere is unaffected; sign-out ends the session for good.
      const other = await signedInReseller();
      const cookie = (await other.ctx.cookies()).find((c) => c.name === 'dr_session')!;
      await other.page.getByRole('button', { name: 'Sign out' }).click();
      await other.page.waitForURL(/sign-in/);
      const replay = await fetch(`${h.api.url}/portal`, {
        headers: { Cookie: `dr_session=${cookie.value}` },
        redirect: 'manual',
      });
      expect(replay.status).toBe(303);
      await other.ctx.close();
    } finally {
      await ctx.close();
    }
  });
});

describe('the operator console in Chromium', () => {
  it('suspends and reactivates a reseller, resolves a billing failure by capture, and the ledger is clean', async () => {
    const admin = await makeAdmin(h.db);
    const { email } = (await h.db('admins').where({ id: admin.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, h.api.url, 'console', email, PASSWORD);
      await look(page, 'console-overview');
      await page.goto(`${h.api.url}/console/resellers/${r.id}`);
      await look(page, 'console-reseller');
      await page.getByLabel('Reason for suspending').fill('chargeback under investigation');
      await page.getByRole('button', { name: 'Suspend' }).click();
      await expect.poll(() => page.locator('[data-figure="status"]').textContent()).toBe('suspended');
      const refused = await api('/api/v1/domains', { apiKey: r.apiKey });
      expect([refused.status, refused.body['code']]).toEqual([401, 'account_inactive']);
      await page.getByRole('button', { name: 'Reactivate' }).click();
      await expect.poll(() => page.locator('[data-figure="status"]').textContent()).toBe('active');
      expect((await api('/api/v1/domains', { apiKey: r.apiKey })).status).toBe(200);

      const domain = uniqueName('console-review');
      const placed = await withRefusedCapture(h.db, domain, () =>
        api('/api/v1/domains/register', {
          apiKey: r.apiKey,
          body: { domain_name: domain, registrant: SEED_CONTACT },
        }),
      );
      expect(placed.status).toBe(202);
      const orderId = (placed.body['data'] as { order: { id: string } }).order.id;
      await page.getByRole('link', { name: 'Review queue' }).click();
      await look(page, 'console-review');
      expect(await page.getByRole('link', { name: 'Temporal UI' }).first().getAttribute('href')).toMatch(
        new RegExp(`/namespaces/${poolNamespace()}/workflows/order%3A`),
      );
      // Other files' orders may wait in the queue too: act on this one's card.
      const card = page.getByRole('article').filter({ hasText: orderId });
      await card.getByLabel('Reason to capture').fill('ledger repaired; registrar holds the domain');
      await card.getByRole('button', { name: 'Capture' }).click();
      await expect
        .poll(() => page.getByRole('status').textContent(), { timeout: 20_000 })
        .toContain(`Order ${orderId} is completed`);
      await eventually(
        async () =>
          ((await h.db('orders').where({ publicId: orderId }).first('status')) as { status: string })
            .status === 'completed',
      );
      expect(await checkLedger(h.db)).toEqual([]);
      expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 10_000n - 1_299n, held: 0n });
      for (const path of ['/console/resellers', '/console/catalog', '/console/api-logs', '/console/audit']) {
        await page.goto(`${h.api.url}${path}`);
        await look(page, `console-${path.split('/').pop()}`);
      }
      // The audit trail says the resolution in words, naming the operator, the order and the reason.
      expect(await page.locator('[data-sentence]').allTextContents()).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^Operator #\\d+ resolved order ${orderId} by capturing its charge: ledger repaired; registrar holds the domain\\.$`,
          ),
        ),
      );
    } finally {
      await ctx.close();
    }
  });

  it('signs an admin in once with a sign-in link from the CLI', async () => {
    const admin = await makeAdmin(h.db);
    const { email } = (await h.db('admins').where({ id: admin.id }).first('email')) as { email: string };
    const cli = await runCli(['sign-in:setup', '--admin', email, '--sign-in-link'], {
      PUBLIC_URL: h.api.url,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const link = /Sign-in link \(once, within an hour\): (\S+)/.exec(cli.stdout)![1]!;
    expect(link.startsWith(`${h.api.url}/console/sign-in/link/`)).toBe(true);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    try {
      await page.goto(link);
      await page.getByRole('button', { name: 'Continue and sign in' }).click();
      await page.waitForURL(`${h.api.url}/console`);
      await look(page, 'console-signed-in-by-link');
      const again = await browser.newContext();
      const second = await again.newPage();
      await second.goto(link);
      await second.getByRole('button', { name: 'Continue and sign in' }).click();
      await expect.poll(() => second.getByRole('alert').textContent()).toContain('used already');
      await again.close();
    } finally {
      await ctx.close();
    }
  });

  it('sets an exchange rate on the console, audited, and a bad one is refused with the field named', async () => {
    const admin = await makeAdmin(h.db);
    const { email } = (await h.db('admins').where({ id: admin.id }).first('email')) as { email: string };
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, h.api.url, 'console', email, PASSWORD);
      await page.goto(`${h.api.url}/console/catalog`);
      const rates = page.getByRole('region', { name: 'Exchange rates' });
      await rates.getByLabel('Currency').selectOption('TZS');
      await rates.getByLabel('Rate (per 1 USD)').fill('not-a-rate');
      await rates.getByRole('button', { name: 'Save rate' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not a positive decimal rate');
      await page.getByRole('region', { name: 'Exchange rates' }).getByLabel('Currency').selectOption('TZS');
      await page
        .getByRole('region', { name: 'Exchange rates' })
        .getByLabel('Rate (per 1 USD)')
        .fill('2650.5');
      await page
        .getByRole('region', { name: 'Exchange rates' })
        .getByRole('button', { name: 'Save rate' })
        .click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('1 USD = 2650.5 TZS');
      await look(page, 'console-exchange-rates');
      expect(await page.getByRole('cell', { name: '2650.5', exact: true }).count()).toBe(1);
      const audited = (await h
        .db('audit_events')
        .where({ type: 'exchange_rate_set', subjectId: 'USD/TZS' })
        .first('actor', 'data')) as { actor: string; data: { after: { rate: string } } };
      expect(audited).toMatchObject({ actor: `admin:${admin.id}`, data: { after: { rate: '2650.5' } } });
    } finally {
      await ctx.close();
      await h.db('exchange_rates').where({ toCurrency: 'TZS' }).del();
    }
  });
});
