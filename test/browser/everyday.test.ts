import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/services/admins';
import { setPassword } from '../../src/services/sessions';
import { useOrderHarness } from '../harness';
import { callFrom, makeReseller, type JsonResponse } from '../helpers';
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
