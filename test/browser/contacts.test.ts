import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPassword } from '../../src/services/sessions';
import { makeReseller, request } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, topUp, uniqueName } from '../order-helpers';
import { launchChromium, look, SCREENSHOTS, signIn } from './browser';

/*
 * The portal's Contacts page in Chromium: a contact added (a bad phone shown as the API would
 * say it), two domains registered with it through the API, its page listing them; an edit sent
 * to both at the registrar; a delete refused while they use it, naming them.
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

describe('the portal Contacts page in Chromium', () => {
  it('adds a contact, shows the domains using it, sends an edit to them, refuses to delete it', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 100_000n);
    await setPassword(h.db, 'system', 'reseller', r.id, PASSWORD);
    const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, h.api.url, 'portal', email, PASSWORD);

    await page.getByRole('link', { name: 'Contacts' }).click();
    const form = page.locator('form[action="/portal/contacts"]');
    await form.getByLabel('Name').fill('Sari Wulandari');
    await form.getByLabel('Address', { exact: true }).fill('Jl. Braga 12');
    await form.getByLabel('City').fill('Bandung');
    await form.getByLabel('Postcode').fill('40111');
    await form.getByLabel('Country').fill('id');
    await form.getByLabel('Phone').fill('0812 345 678');
    await form.getByLabel('Email').fill('sari@portal-contacts.example');
    await form.getByRole('button', { name: 'Add the contact' }).click();
    await expect
      .poll(() => page.locator('#f-phone-help').textContent())
      .toBe('The phone must look like +255.754123456.');
    await form.getByLabel('Phone').fill('+62.812345678');
    await form.getByRole('button', { name: 'Add the contact' }).click();
    await page.getByRole('status').getByText('Contact added.').waitFor();
    const handle = (await page.locator('dd code').first().textContent())!.trim();
    expect(handle).toMatch(/^con_[0-9a-f]{20}$/);

    const names = [uniqueName('portalcon'), uniqueName('portalcon')].toSorted();
    for (const domain_name of names) {
      const res = await request(h.api.url, '/api/v1/domains/register', {
        apiKey: r.apiKey,
        body: { domain_name, registrant_contact_id: handle },
      });
      expect(res.status).toBe(201);
    }
    await page.reload();
    const rows = page.locator('table').filter({ hasText: 'Domains using this contact' }).locator('tbody tr');
    await expect
      .poll(() => rows.allInnerTexts())
      .toEqual(names.map((n) => expect.stringContaining(n) as unknown));

    const edit = page.locator(`form[action="/portal/contacts/${handle}"]`);
    await edit.getByLabel('Email').fill('sari@moved.example');
    await edit.getByRole('button', { name: 'Save and send to 2 domains' }).click();
    await page
      .getByRole('status')
      .getByText('Saved. The change is being sent to the registrar for 2 domains.')
      .waitFor();
    // Both domains' Whois at the registrar name the edited contact.
    await eventually(async () => {
      await page.reload();
      return (await page.locator('[data-up-to-date="no"]').count()) === 0 ? true : null;
    }, 60_000);
    for (const n of names) {
      const id = h.sim.domains.get(n)!.contacts['registrant']!;
      expect(h.sim.contacts.get(id)).toMatchObject({ email: 'sari@moved.example' });
    }
    await look(page, 'portal-contacts');
    await copyFile(
      path.join(SCREENSHOTS, 'portal-contacts.png'),
      path.resolve(__dirname, '..', '..', 'docs', 'images', 'portal-contacts.png'),
    );

    await page.getByRole('button', { name: 'Delete this contact' }).click();
    await page
      .getByRole('status')
      .getByText(`Contact ${handle} is used by domains ${names.join(', ')}: it cannot be deleted.`)
      .waitFor();
    expect(
      await h.db('contacts').where({ publicId: handle }).whereNull('deletedAt').first('id'),
    ).toBeTruthy();
    await ctx.close();
  }, 120_000);
});
