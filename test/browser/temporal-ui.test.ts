import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAdmin } from '../../src/services/admins';
import { setPassword } from '../../src/services/sessions';
import { startUiServer, type UiServer } from '../../src/temporal/ui-server';
import { freePort } from '../../src/utils/ports';
import { useOrderHarness } from '../harness';
import { makeReseller, startTestApi, type TestApi } from '../helpers';
import { completedRegistration, topUp } from '../order-helpers';
import { poolNamespace } from '../pool';
import { launchChromium, SCREENSHOTS } from './browser';

/*
 * The Temporal UI as prod:local serves it (temporal-ui-server with our codec endpoint), opened
 * in Chromium on an order's run: an operator signed in to the console reads the order's input
 * in clear in the Input panel; a browser without the console's cookie sees it encrypted.
 * Screenshots go to coverage/screenshots/ (docs/images/ keeps a pair, shown in docs/operating.md).
 */

const h = useOrderHarness();
const PASSWORD = 'ui-codec-password-1';
const REGISTRANT_EMAIL = 'wulan.sari@example.co.id';

let browser: Browser;
let ui: UiServer;
let api: TestApi;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ui-codec-'));
  const port = await freePort();
  // An API on the same database whose codec server allows the UI's origin.
  api = await startTestApi(h.db, { CODEC_ALLOWED_ORIGINS: `http://127.0.0.1:${port}` });
  ui = await startUiServer({
    temporalAddress: inject('temporalAddress'),
    namespace: poolNamespace(),
    port,
    dataDir,
    codecEndpoint: `${api.url}/console/codec`,
  });
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await api?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Temporal UI with the codec server', () => {
  it("shows an order's input in clear to a signed-in operator, and encrypted to anyone else", async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const { domain, workflowId, status } = await completedRegistration(h, r.apiKey, 'uicodec', {
      name: 'Wulan Sari',
      address1: 'Jl. Asia Afrika 8',
      city: 'Bandung',
      state: 'Jawa Barat',
      postcode: '40111',
      country: 'ID',
      phone: '+62.8123000111',
      email: REGISTRANT_EMAIL,
    });
    expect(status).toBe(201);

    const operator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await operator.newPage();
    const admin = await createAdmin(h.db, 'system', { email: `ops-${domain}@example.test`, name: 'Ops' });
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    await page.goto(`${api.url}/console/sign-in`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${api.url}/console`);
    await page.goto(`${ui.url}/namespaces/${poolNamespace()}/workflows/${encodeURIComponent(workflowId)}`);
    // The decoded input: the order's fields, its contacts by their handles' IDs (the people are
    // in Postgres, not in the history: not even the decoded input names them).
    await page.getByText('contactRefs').first().waitFor({ timeout: 30_000 });
    await page.getByText('amountMinor').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('body').innerText()).not.toContain(REGISTRANT_EMAIL);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'temporal-ui-decoded.png') });

    const stranger = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await stranger.newPage();
    const decodes: number[] = [];
    other.on('response', (r) => {
      if (r.url().includes('/console/codec/decode')) decodes.push(r.status());
    });
    await other.goto(`${ui.url}/namespaces/${poolNamespace()}/workflows/${encodeURIComponent(workflowId)}`);
    // The summary stays readable to anyone; the input does not: every decode is refused.
    await other.getByText(`Register ${domain}`).first().waitFor({ timeout: 30_000 });
    await expect.poll(() => decodes.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(decodes.every((s) => s === 401)).toBe(true);
    // The Input panel shows the payload as stored: metadata in base64, "binary/encrypted".
    await other
      .getByText(Buffer.from('binary/encrypted').toString('base64'))
      .first()
      .waitFor({ timeout: 30_000 });
    const shown = await other.locator('body').innerText();
    expect(shown).not.toContain(REGISTRANT_EMAIL);
    expect(shown).not.toContain('contactRefs');
    await other.screenshot({ path: path.join(SCREENSHOTS, 'temporal-ui-encrypted.png') });
    await operator.close();
    await stranger.close();
  });
});
