import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/services/admins';
import { DEMO_CATALOG, upsertPrices } from '../../src/services/catalog';
import { importRegistrarPrices } from '../../src/services/catalog-admin';
import { setPassword } from '../../src/services/sessions';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { makeReseller, request } from '../helpers';
import { receiver } from '../receiver';
import { launchChromium, look, signIn } from './browser';

/*
 * The operator console as an operator uses it every day (issue #28), in Chromium against the real
 * app: the overview's pictures of orders, revenue and margin and webhook deliveries; the audit
 * trail in sentences; a credential revoked only after a confirmation.
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

async function operator(width: number): Promise<{ id: number; ctx: BrowserContext; page: Page }> {
  const admin = await createAdmin(h.db, 'system', {
    email: `ops-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`,
    name: 'Ops',
  });
  await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, h.api.url, 'console', admin.email, PASSWORD);
  return { id: admin.id, ctx, page };
}

/** The cells of the figures table's row for `day`, after the day itself. */
async function rowOf(page: Page, chart: string, day: string): Promise<string[]> {
  const row = page.locator(`[data-chart="${chart}"] tbody tr`).filter({ hasText: day });
  expect(await row.count()).toBe(1);
  return (await row.locator('td').allTextContents()).slice(1);
}

const register = (apiKey: string, domain: string) =>
  request(h.api.url, '/api/v1/domains/register', {
    apiKey,
    key: `ov-${domain}`,
    body: { domain_name: domain, registrant: SEED_CONTACT },
  });

describe('the console overview', () => {
  it('draws orders by status, revenue and margin per currency, and the webhook success rate per day, each beside its table, from what happened that day', async () => {
    // Nine days ago (a day no other test writes orders or deliveries on), after the fact:
    // .id priced from the registrar's cost (15.00 USD + 30% = 19.50 USD) so its margin is known.
    const nineDaysAgo = new Date(Date.now() - 9 * 86_400_000);
    const day = nineDaysAgo.toISOString().slice(0, 10);
    const usd = await makeReseller(h.db);
    const idr = await makeReseller(h.db, { currency: 'IDR' });
    await topUp(h.db, usd.id, 10_000n);
    await topUp(h.db, idr.id, 100_000_000n, 'IDR');
    let answer = 500;
    const rx = await receiver(() => answer);
    try {
      await importRegistrarPrices(
        { db: h.db, registrar: h.registrar, config: { EXCHANGE_RATE_MAX_AGE_HOURS: 24 } },
        'system',
        { marginBps: 3000, currency: 'USD', tlds: ['id'] },
      );
      const usdNames = [uniqueName('ov', 'id'), uniqueName('ov', 'id')];
      const refused = uniqueName('reject-ov');
      const idrName = uniqueName('ov-idr');
      for (const name of [...usdNames, refused])
        expect([201, 202, 422]).toContain((await register(usd.apiKey, name)).status);
      const idrOrder = await register(idr.apiKey, idrName);
      expect([201, 202]).toContain(idrOrder.status);
      const mine = [...usdNames, refused, idrName];
      await eventually(
        async () =>
          (await h.db('orders').whereIn('domainName', mine).whereIn('status', ['completed', 'failed']))
            .length === 4,
        30_000,
      );
      const idrAmount = (await h.db('orders').where({ domainName: idrName }).first('amountMinor')) as {
        amountMinor: string;
      };

      // Webhook deliveries that day: two refused (500), then two accepted. The endpoint subscribes
      // to nothing these orders raise: their events, dispatched by the relay after it exists when
      // the machine is busy, would otherwise reach it too (and add deliveries to the day's rate).
      const made = await request(h.api.url, '/api/reseller/v1/webhooks', {
        token: usd.token,
        body: { url: rx.url, events: ['domain.expiring'] },
      });
      expect(made.status).toBe(201);
      const endpoint = (made.body['data'] as { webhook: { id: string } }).webhook.id;
      const test = () =>
        request(h.api.url, `/api/reseller/v1/webhooks/${endpoint}/test`, { token: usd.token, body: {} });
      await test();
      await test();
      answer = 204;
      await test();
      await test();
      expect(rx.got.map((g) => g.status)).toEqual([500, 500, 204, 204]);

      await h.db('orders').whereIn('domainName', mine).update({ createdAt: nineDaysAgo });
      await h
        .db('orders')
        .whereIn('domainName', mine)
        .where({ status: 'completed' })
        .update({ completedAt: nineDaysAgo });
      await h.db.raw(
        `UPDATE webhook_deliveries SET created_at = ? WHERE job_id IN (
           SELECT j.id FROM webhook_jobs j JOIN webhook_endpoints e ON e.id = j.endpoint_id WHERE e.public_id = ?)`,
        [nineDaysAgo, endpoint],
      );

      for (const width of [1280, 360]) {
        const { ctx, page } = await operator(width);
        try {
          await page.goto(`${h.api.url}/console`);
          // Orders: the three completed and the refused one, on that day's bar.
          const bar = page.locator(`[data-chart="orders-per-day"] g[data-day="${day}"]`);
          expect(await bar.locator('rect[data-series="completed"]').getAttribute('data-value')).toBe('3');
          expect(await bar.locator('rect[data-series="failed"]').getAttribute('data-value')).toBe('1');
          // Revenue and margin, one picture per currency, never added across currencies.
          // Revenue, margin, without cost, below cost: none sold below its cost.
          expect(await rowOf(page, 'revenue-USD', day)).toEqual(['39.00', '9.00', '0', '0']);
          const idrRow = await rowOf(page, 'revenue-IDR', day);
          // IDR has no minor unit: the amount as billed, thousands grouped.
          expect(idrRow[0]!.replace(/,/g, '')).toBe(idrAmount.amountMinor);
          // No registrar cost recorded for the IDR order: no margin claimed, and it says so.
          expect(idrRow.slice(1)).toEqual(['0', '1', '0']);
          // (The day's rows say none of these was sold below cost. The alert above the pictures
          // sums the whole window of the slot's database, where another file's orders of today
          // may be: it is not this test's to count.)
          expect(await page.locator('[data-chart="revenue-USD"] g[data-series="Margin (USD)"]').count()).toBe(
            1,
          );
          // Webhook deliveries: 2 of 4 accepted.
          expect(await rowOf(page, 'webhook-success', day)).toEqual(['50%', '4', '2']);
          // Each table is beside its picture at 1280 px, under it at 360 px, and readable as text.
          const chart = page.locator('[data-chart="webhook-success"]');
          const svg = (await chart.locator('svg[role="img"]').boundingBox())!;
          const table = (await chart.locator('.figures-table').boundingBox())!;
          if (width === 1280) expect(table.x).toBeGreaterThan(svg.x + svg.width - 1);
          else expect(table.y).toBeGreaterThan(svg.y + svg.height - 1);
          expect(await chart.getByRole('region').getByRole('table').isVisible()).toBe(true);
          await look(page, `console-overview-${width}`);
        } finally {
          await ctx.close();
        }
      }
    } finally {
      await rx.close();
      await upsertPrices(
        h.db,
        DEMO_CATALOG.filter((p) => p.tld === 'id' && p.currency === 'USD'),
      );
      await h
        .db('catalog_prices')
        .where({ tld: 'id', currency: 'USD' })
        .update({ costMinor: null, costCurrency: null });
    }
  });
});

describe('the audit trail', () => {
  it('says each change as a sentence naming who did what, money formatted, raw data folded, at 1280 and 360 px', async () => {
    const r = await makeReseller(h.db);
    const { id: admin, ctx, page } = await operator(1280);
    try {
      await page.goto(`${h.api.url}/console/resellers/${r.id}`);
      await page.getByLabel('Amount (USD)').fill('1234.50');
      await page.getByLabel('Reason (kept in the audit trail)').fill('goodwill for the outage');
      await page.getByRole('button', { name: 'Post adjustment' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('Adjustment posted');
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${h.api.url}/console/audit?reseller=${r.id}`);
        const sentences = await page.locator('[data-sentence]').allTextContents();
        expect(sentences).toContain(
          `Operator #${admin} credited 1,234.50 USD to the wallet of reseller #${r.id} (goodwill for the outage); the balance went from 0.00 to 1,234.50 USD.`,
        );
        expect(sentences.some((s) => s.startsWith('The system created reseller #'))).toBe(true);
        // No JSON on the face of the page; it is there, folded.
        expect(sentences.join(' ')).not.toMatch(/[{}"]/);
        const card = page.locator('.event-card').first();
        expect(await card.locator('details').getAttribute('open')).toBeNull();
        expect(await card.locator('details pre').isVisible()).toBe(false);
        await look(page, `console-audit-${width}`);
      }
    } finally {
      await ctx.close();
    }
  });
});

describe("revoking a reseller's credential in the console", () => {
  it('asks first, naming the credential and what stops working; cancelling changes nothing', async () => {
    const r = await makeReseller(h.db);
    const status = async () =>
      (await request(h.api.url, '/api/reseller/v1/status', { token: r.token })).status;
    const { ctx, page } = await operator(360);
    try {
      const cred = (await h
        .db('api_credentials')
        .where({ resellerId: r.id, kind: 'token' })
        .first('prefix', 'name')) as {
        prefix: string;
        name: string;
      };
      expect(r.token.startsWith(cred.prefix)).toBe(true);
      await page.goto(`${h.api.url}/console/resellers/${r.id}`);
      const row = page.getByRole('row').filter({ hasText: cred.prefix });
      await row.getByRole('link', { name: 'Revoke…' }).click();
      expect(await page.locator('[data-consequence]').textContent()).toContain(`token “${cred.name}”`);
      expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain(cred.prefix);
      expect(await status()).toBe(200);
      await look(page, 'console-revoke-confirm-360');
      await page.getByRole('link', { name: 'Cancel, change nothing' }).click();
      expect(await status()).toBe(200);
      await page
        .getByRole('row')
        .filter({ hasText: cred.prefix })
        .getByRole('link', { name: 'Revoke…' })
        .click();
      await page.getByRole('button', { name: 'Yes, revoke it now' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('revoked');
      // Refused once the revoke's `auth_changed` announcement reaches the cache (milliseconds).
      await expect.poll(status, { timeout: 1_000 }).toBe(401);
    } finally {
      await ctx.close();
    }
  });
});
