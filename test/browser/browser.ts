import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (npm test's bootstrap installs it when missing). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Where each page's screenshot goes (CI keeps the test output). */
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'coverage', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: the browser tests need Debian's chromium (apt-get install -y chromium), or CHROMIUM_PATH set to one.`,
    );
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Saves the page as a screenshot and checks what every page must do: every visible field has a
 * label, nothing overflows the viewport sideways, and no script element is on the page.
 */
export async function look(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('input, select, textarea'))) {
      const input = el as HTMLInputElement;
      if (input.type === 'hidden') continue;
      if (!input.labels || input.labels.length === 0) out.push(`unlabelled ${input.tagName} ${input.name}`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      out.push(`overflows sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    if (document.querySelectorAll('script').length > 0) out.push('has a script element');
    return out;
  });
  expect(problems, name).toEqual([]);
}

export async function signIn(
  page: Page,
  base: string,
  area: 'portal' | 'console',
  email: string,
  password: string,
) {
  await page.goto(`${base}/${area}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/${area}`);
}
