import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/services/admins';
import { setPassword } from '../../src/services/sessions';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { callFrom, makeReseller, request, type JsonResponse, type TestReseller } from '../helpers';
import { receiver } from '../receiver';
import { placeInvoiceOrder } from '../scenarios';
import { launchChromium, look, signIn } from './browser';

/*
 * The portal and the console as people use them every day (issue #28), in Chromium against the
 * real app: what the page shows, and what the API and the database then hold.
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

/** A sign-in form as a script from another address fills it: its CSRF cookie and token, then posts. */
async function attacker(from: string, area: 'portal' | 'console') {
  const cookieName = area === 'portal' ? 'dr_session_csrf' : 'dr_console_csrf';
  const form = await callFrom(from, `${h.api.url}/${area}/sign-in`);
  const cookie = new RegExp(`${cookieName}=([^;]+)`).exec(form.headers.get('set-cookie') ?? '')?.[1];
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
  expect(cookie && token).toBeTruthy();
  return (email: string, password: string): Promise<JsonResponse> =>
    callFrom(from, `${h.api.url}/${area}/sign-in`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: `${cookieName}=${cookie!}`,
      },
      body: new URLSearchParams({ email, password, _csrf: token! }).toString(),
    });
}

describe('sign-in throttling', () => {
  it("an attacker's 20 wrong passwords from one address leave the owner able to sign in from another", async () => {
    const r = await makeReseller(h.db);
    await setPassword(h.db, 'system', 'reseller', r.id, PASSWORD);
    const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };

    const guess = await attacker('127.0.0.2', 'portal');
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await guess(email, `wrong password ${i}`)).status);
    // Five checked and refused, then that address waits (429, the password not even checked).
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(15).fill(429)]);
    const refused = await guess(email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // The owner, from their own address, in Chromium.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      await signIn(page, h.api.url, 'portal', email, PASSWORD);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
      await look(page, 'portal-signed-in-despite-attacker');
    } finally {
      await ctx.close();
    }
  });

  it('caps failures per address across accounts: the 21st from one address is refused unchecked', async () => {
    const guess = await attacker('127.0.0.3', 'console');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1)
      statuses.push((await guess(`nobody-${i}-${Date.now()}@example.test`, 'wrong password')).status);
    expect(statuses).toEqual([...Array<number>(20).fill(401), 429]);
    // An operator elsewhere signs in as usual.
    const admin = await createAdmin(h.db, 'system', { email: `ops-${Date.now()}@example.test`, name: 'Ops' });
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    const ctx = await browser.newContext();
    try {
      await signIn(await ctx.newPage(), h.api.url, 'console', admin.email, PASSWORD);
    } finally {
      await ctx.close();
    }
  });
});

describe('strict ids in the console', () => {
  it('a reseller page addressed as 0xd, 13e0, +13, 13.0 or 013 answers 422, never the reseller', async () => {
    const r = await makeReseller(h.db);
    const admin = await createAdmin(h.db, 'system', { email: `ids-${Date.now()}@example.test`, name: 'Ids' });
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      await signIn(page, h.api.url, 'console', admin.email, PASSWORD);
      const ok = await page.goto(`${h.api.url}/console/resellers/${r.id}`);
      expect(ok?.status()).toBe(200);
      for (const raw of [`0x${r.id.toString(16)}`, `${r.id}e0`, `+${r.id}`, `${r.id}.0`, `0${r.id}`]) {
        const res = await page.goto(`${h.api.url}/console/resellers/${encodeURIComponent(raw)}`);
        expect(res?.status(), raw).toBe(422);
        await expect.poll(() => page.locator('main').textContent()).toContain('plain digits');
      }
      await look(page, 'console-reseller-bad-id');
    } finally {
      await ctx.close();
    }
  });
});

async function signedIn(width = 1280): Promise<{ r: TestReseller; ctx: BrowserContext; page: Page }> {
  const r = await makeReseller(h.db);
  await setPassword(h.db, 'system', 'reseller', r.id, PASSWORD);
  const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, h.api.url, 'portal', email, PASSWORD);
  return { r, ctx, page };
}

const apiStatus = async (apiKey: string) => (await request(h.api.url, '/api/v1/domains', { apiKey })).status;

describe('actions that can break a live integration are confirmed, and say what stops working', () => {
  it('regenerating the API key keeps the old key for 24 hours by default, after a confirmation that names it', async () => {
    for (const width of [1280, 360]) {
      const { r, ctx, page } = await signedIn(width);
      try {
        await page.goto(`${h.api.url}/portal/api-access`);
        const grace = page.getByLabel('Keep the old key working for');
        expect(await grace.inputValue()).toBe('86400');
        await page.getByRole('button', { name: 'Regenerate API key…' }).click();
        // Nothing has changed yet: the step names the key and when it stops.
        await expect
          .poll(() => page.getByRole('heading', { name: 'Regenerate the API key?' }).count())
          .toBe(1);
        const consequence = (await page.locator('[data-consequence]').textContent())!;
        expect(consequence).toContain(`${r.apiKey.slice(0, 12)}`.slice(0, 8));
        expect(consequence).toContain('in 24 hours');
        expect(await apiStatus(r.apiKey)).toBe(200);
        await look(page, `portal-api-key-confirm-${width}`);
        await page.getByRole('button', { name: 'Yes, regenerate' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Your new API key' }).count()).toBe(1);
        const newKey = (await page.locator('[data-secret]').first().textContent())!.trim();
        // Both work: the old one until its grace ends.
        expect(await apiStatus(newKey)).toBe(200);
        expect(await apiStatus(r.apiKey)).toBe(200);
        const old = (await h
          .db('api_credentials')
          .where({ resellerId: r.id, kind: 'api_key' })
          .whereNotNull('revokedAt')
          .first('revokedAt')) as { revokedAt: Date };
        expect(old.revokedAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
      } finally {
        await ctx.close();
      }
    }
  });

  it('a token is revoked only after a confirmation naming it; cancelling changes nothing', async () => {
    const { r, ctx, page } = await signedIn();
    try {
      await page.goto(`${h.api.url}/portal/tokens`);
      await page.getByLabel('Name (what it is for)').fill('billing sync');
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = (await page.locator('[data-secret]').first().textContent())!.trim();
      expect((await request(h.api.url, '/api/reseller/v1/status', { token })).status).toBe(200);
      await page.goto(`${h.api.url}/portal/tokens`);
      await page.getByRole('link', { name: 'Revoke…' }).first().click();
      expect(await page.locator('[data-consequence]').textContent()).toContain('billing sync');
      await page.getByRole('link', { name: 'Cancel, change nothing' }).click();
      expect((await request(h.api.url, '/api/reseller/v1/status', { token })).status).toBe(200);
      await page.getByRole('link', { name: 'Revoke…' }).first().click();
      await look(page, 'portal-token-revoke-confirm');
      await page.getByRole('button', { name: 'Yes, revoke it now' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('revoked');
      expect((await request(h.api.url, '/api/reseller/v1/status', { token })).status).toBe(401);
      void r;
    } finally {
      await ctx.close();
    }
  });

  it('a whitelist that shuts out the address in use is saved only after a confirmation saying so', async () => {
    const { r, ctx, page } = await signedIn();
    try {
      await page.goto(`${h.api.url}/portal/api-access`);
      await page.getByLabel(/IP addresses and CIDR ranges/).fill('198.51.100.7');
      await page.getByRole('button', { name: 'Save whitelist' }).click();
      expect(await page.locator('[data-consequence]').textContent()).toContain(
        'Your current address 127.0.0.1 is not in the new list',
      );
      expect(await apiStatus(r.apiKey)).toBe(200);
      await look(page, 'portal-whitelist-confirm');
      await page.getByRole('link', { name: 'Cancel, change nothing' }).click();
      expect(await apiStatus(r.apiKey)).toBe(200);
      // A list that keeps this address needs no confirmation.
      await page.getByLabel(/IP addresses and CIDR ranges/).fill('127.0.0.0/8');
      await page.getByRole('button', { name: 'Save whitelist' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Whitelist saved');
      expect(await apiStatus(r.apiKey)).toBe(200);
    } finally {
      await ctx.close();
    }
  });
});

describe('the webhooks list and an endpoint page', () => {
  it('shows the last delivery and the failures of the last 24 hours, and names an endpoint by its host, never its query', async () => {
    let answer = 500;
    const rx = await receiver(() => answer);
    const { r, ctx, page } = await signedIn();
    try {
      const url = `${rx.url}?token=s3cret-in-query`;
      const made = await request(h.api.url, '/api/reseller/v1/webhooks', { token: r.token, body: { url } });
      expect(made.status).toBe(201);
      const id = (made.body['data'] as { webhook: { id: string } }).webhook.id;
      const test = () =>
        request(h.api.url, `/api/reseller/v1/webhooks/${id}/test`, { token: r.token, body: {} });
      await test();
      await test();
      answer = 204;
      await test();
      await page.goto(`${h.api.url}/portal/webhooks`);
      const host = new URL(rx.url).host;
      const row = page.getByRole('row').filter({ hasText: host });
      expect(await row.locator('[data-last-delivery]').textContent()).toMatch(/^delivered \(204\),/);
      expect(await row.locator('[data-failures]').textContent()).toBe('2');
      expect(await page.locator('main').textContent()).not.toContain('s3cret-in-query');
      await look(page, 'portal-webhooks-list');
      await row.getByRole('link').click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Webhook to ${host}`);
      await look(page, 'portal-webhook-endpoint');
    } finally {
      await ctx.close();
      await rx.close();
    }
  });
});

describe('order lists', () => {
  it('lead with the domain, say why an order failed in words, and keep amounts on one line (1280 and 360 px)', async () => {
    const { r, ctx, page } = await signedIn();
    try {
      await topUp(h.db, r.id, 1_000_000n);
      const refused = uniqueName('reject-list');
      const placed = await request(h.api.url, '/api/v1/domains/register', {
        apiKey: r.apiKey,
        key: `k-${refused}`,
        body: { domain_name: refused, registrant: SEED_CONTACT },
      });
      expect([201, 202, 422]).toContain(placed.status);
      const failed = await eventually(
        async () =>
          (await h.db('orders').where({ domainName: refused, status: 'failed' }).first('failureMessage')) as
            { failureMessage: string } | undefined,
      );
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${h.api.url}/portal`);
        const row = page.getByRole('row').filter({ hasText: refused });
        // The first cell is the domain, linked to the order.
        expect(await row.getByRole('cell').first().textContent()).toBe(refused);
        expect(await row.locator('[data-reason]').textContent()).toBe(`: ${failed.failureMessage}`);
        // "12.99 USD" on one line.
        const lines = await row.locator('.money').evaluate((el) => el.getClientRects().length);
        expect(lines).toBe(1);
        await look(page, `portal-dashboard-failed-order-${width}`);
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('the review queue', () => {
  it('says each event as a sentence with money formatted, its Acknowledge button in view at 1280 and 360 px, raw data behind a disclosure', async () => {
    // A real mismatch: Xendit pays 1.00 USD for an invoice of another amount.
    const r = await makeReseller(h.db);
    const placed = await placeInvoiceOrder(h, r.token, uniqueName('mismatch'), 'xendit');
    expect(await h.gw.pay(placed.attemptRef, { amount: '1.00' })).toEqual([200]);
    const event = await eventually(
      async () =>
        (await h
          .db('auditEvents')
          .where({ type: 'payment_mismatch', subjectId: placed.invoicePublicId })
          .first()) as { id: string; data: { expected: { amount_minor: string } } } | undefined,
    );
    const expected = (Number(event.data.expected.amount_minor) / 100).toLocaleString('en-US', {
      minimumFractionDigits: 2,
    });
    const admin = await createAdmin(h.db, 'system', {
      email: `review-${Date.now()}@example.test`,
      name: 'Review',
    });
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    for (const width of [1280, 360]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      try {
        const page = await ctx.newPage();
        await signIn(page, h.api.url, 'console', admin.email, PASSWORD);
        await page.goto(`${h.api.url}/console/review?reseller=${r.id}`);
        const card = page.locator(`[data-event="${event.id}"]`);
        expect(await card.locator('[data-sentence]').textContent()).toBe(
          `Xendit paid 1.00 USD for invoice ${placed.invoicePublicId} that expects ${expected} USD; the payment was not applied.`,
        );
        // The raw data is there, folded.
        expect(await card.locator('details').getAttribute('open')).toBeNull();
        const button = card.getByRole('button', { name: 'Acknowledge' });
        const box = (await button.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        await look(page, `console-review-queue-${width}`);
        if (width === 360) {
          await button.click();
          await expect.poll(() => page.locator(`[data-event="${event.id}"]`).count()).toBe(0);
          expect(
            await h.db('auditEvents').where({ id: event.id }).whereNotNull('acknowledgedAt').first('id'),
          ).toBeTruthy();
        }
      } finally {
        await ctx.close();
      }
    }
  });
});

describe('the dashboard pictures', () => {
  it('draws the wallet balance over 30 days and the orders per day by status as SVG, each with its figures as a table', async () => {
    const { r, ctx, page } = await signedIn();
    try {
      // 200.00 USD posted three days ago, 50.00 today; two orders today: one completes, one is refused.
      const day = (ago: number) => new Date(Date.now() - ago * 86_400_000);
      await h.db('ledger_entries').insert({
        resellerId: r.id,
        kind: 'topup',
        status: 'posted',
        amountMinor: 20_000,
        currency: 'USD',
        reference: `chart-${r.id}-old`,
        createdAt: day(3),
        postedAt: day(3),
      });
      await topUp(h.db, r.id, 5_000n);
      for (const name of [uniqueName('chart-ok'), uniqueName('reject-chart')])
        await request(h.api.url, '/api/v1/domains/register', {
          apiKey: r.apiKey,
          key: `k-${name}`,
          body: { domain_name: name, registrant: SEED_CONTACT },
        });
      await eventually(
        async () =>
          (await h.db('orders').where({ resellerId: r.id }).whereIn('status', ['completed', 'failed']))
            .length === 2,
      );
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${h.api.url}/portal`);
        const balance = page.locator('[data-chart="balance"]');
        expect(await balance.locator('svg[role="img"] title').textContent()).toContain('Wallet balance');
        expect(await balance.locator('g[data-series]').getAttribute('data-points')).toBe('30');
        const rows = balance.locator('tbody tr');
        expect(await rows.count()).toBe(30);
        // Before the old top-up: 0.00; from it on 200.00; today 250.00 less today's one order.
        expect(await rows.nth(25).locator('td').nth(1).textContent()).toBe('0.00');
        expect(await rows.nth(26).locator('td').nth(1).textContent()).toBe('200.00');
        const today = Number(await rows.nth(29).locator('td').nth(1).textContent());
        expect(today).toBeLessThan(250);
        const bars = page.locator('[data-chart="orders-per-day"]');
        const todayBars = bars.locator('g[data-day]').last();
        expect(await todayBars.locator('rect[data-series="completed"]').getAttribute('data-value')).toBe('1');
        expect(await todayBars.locator('rect[data-series="failed"]').getAttribute('data-value')).toBe('1');
        await look(page, `portal-dashboard-${width}`);
      }
    } finally {
      await ctx.close();
    }
  });
});
