import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/services/admins';
import { setPassword } from '../../src/services/sessions';
import { makeReseller } from '../helpers';
import { CLI, cliEnv } from '../cli-helpers';
import { useOrderHarness } from '../harness';
import { eventually, topUp } from '../order-helpers';
import { ownedDomains } from '../bulk/bulk-helpers';
import { launchChromium, look, SCREENSHOTS, signIn } from './browser';

/*
 * The portal's Bulk jobs pages in Chromium: a CSV uploaded (one bad line named), the preflight's
 * total, confirmation, the job page's <progress> moving on its own (the page reloads itself: no
 * script), at 1280 and 360 px; and `bulk:status --follow` on a terminal beside it.
 */

const h = useOrderHarness();
let browser: Browser;
const PASSWORD = 'correct horse battery staple';
const DOCS = path.resolve(__dirname, '..', '..', 'docs', 'images');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The last frame a terminal shows of `bulk:status --follow`, run in a pseudo-terminal for `ms`. */
async function terminalFrame(jobId: string): Promise<string> {
  const command = [CLI.command, ...CLI.args, 'bulk:status', jobId, '--follow', '--interval', '300'].join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: CLI.cwd,
    env: { ...cliEnv(), COLUMNS: '110' },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  // The bar redraws itself in place: the frames are what lies between its escape sequences.
  const frames = () =>
    // eslint-disable-next-line no-control-regex
    out.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '\r').match(/[█░]+ \d+% \| [^\r\n]*?ETA \S+/g) ?? [];
  let exited = false;
  child.once('exit', () => (exited = true));
  // A few redraws after the first (the command starts in seconds on a busy machine), or the
  // last frame of a job that ended before the command had drawn three.
  await eventually(() => frames().length >= 3 || (exited && frames().length >= 1), 90_000);
  if (!exited) child.kill('SIGINT');
  return frames().at(-1)!;
}

describe('the portal Bulk jobs pages in Chromium', () => {
  it('uploads a CSV, shows the preflight, runs the job with a progress bar that refreshes itself', async () => {
    const r = await makeReseller(h.db);
    await setPassword(h.db, 'system', 'reseller', r.id, PASSWORD);
    await topUp(h.db, r.id, 40n * 1299n);
    const names = await ownedDomains(h, r.id, 40, { prefix: 'portalbulk' });
    const dir = await mkdtemp(path.join(tmpdir(), 'bulk-'));
    const csv = path.join(dir, 'renewals.csv');
    await writeFile(csv, ['domain,years', ...names.map((n) => `${n},1`), 'not-ours-at-all.com,1'].join('\n'));
    const { email } = (await h.db('resellers').where({ id: r.id }).first('email')) as { email: string };
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, h.api.url, 'portal', email, PASSWORD);

    await page.getByRole('link', { name: 'Bulk jobs' }).click();
    await page.getByLabel('Action').selectOption('renew');
    await page.getByLabel('CSV file').setInputFiles(csv);
    await page.getByLabel('At most this many at once (optional)').fill('2');
    await page.getByRole('button', { name: 'Check and price' }).click();
    await page.getByRole('status').getByText('Checked and priced: confirm to run it.').waitFor();
    expect(await page.locator('[data-job-status]').textContent()).toBe('preflight');
    await page.getByText('Total 519.60 USD').waitFor();
    const refused = page.locator('table').filter({ hasText: 'Lines refused by the checks' });
    expect(await refused.locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('42')]);
    const jobId = page.url().split('/').pop()!;

    h.sim.setFaults({ latencyMs: 250 });
    try {
      await page.getByLabel('Leave out the 1 invalid lines').check();
      await page.getByRole('button', { name: 'Confirm and run' }).click();
      await page.getByRole('status').getByText('The job runs.').waitFor();
      // No reload by the test: the page's Refresh header brings the bar forward.
      const bar = page.locator('progress#job-progress');
      expect(await bar.getAttribute('max')).toBe('40');
      await eventually(async () => Number(await bar.getAttribute('value')) >= 8, 60_000);
      await look(page, 'portal-bulk-job-1280');
      const narrow = await browser.newContext({ viewport: { width: 360, height: 780 } });
      const small = await narrow.newPage();
      await small.context().addCookies(await ctx.cookies());
      await small.goto(page.url());
      await look(small, 'portal-bulk-job-360');
      const frame = await terminalFrame(jobId);
      expect(frame).toMatch(/\d+%/);
      const term = await narrow.newPage();
      await term.setViewportSize({ width: 980, height: 140 });
      await term.setContent(
        `<body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:16px;color:#e6e6e6;font:15px/1.4 monospace">$ npm run cli -- bulk:status ${jobId} --follow\n${frame.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre></body>`,
      );
      await term.screenshot({ path: path.join(SCREENSHOTS, 'cli-bulk-status.png') });
      await narrow.close();
    } finally {
      h.sim.setFaults({ latencyMs: 0 });
    }
    await page.locator('[data-job-status]', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('progress#job-progress').getAttribute('value')).toBe('40');
    const results = await page.request.get(`${page.url()}/results.csv`);
    expect((await results.text()).split('\n').filter((l) => l.includes(',succeeded,'))).toHaveLength(40);
    for (const name of ['portal-bulk-job-1280', 'portal-bulk-job-360', 'cli-bulk-status'])
      await copyFile(path.join(SCREENSHOTS, `${name}.png`), path.join(DOCS, `${name}.png`));
    expect((await readFile(path.join(DOCS, 'cli-bulk-status.png'))).length).toBeGreaterThan(1000);
    await ctx.close();

    // An operator sees the job in the console, with its reseller and its progress.
    const admin = await createAdmin(h.db, 'system', {
      email: `ops-bulk-${Date.now()}@example.test`,
      name: 'Ops',
    });
    await setPassword(h.db, 'system', 'admin', admin.id, PASSWORD);
    const ops = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const console_ = await ops.newPage();
    await signIn(console_, h.api.url, 'console', admin.email, PASSWORD);
    await console_.getByRole('link', { name: 'Bulk jobs' }).click();
    const row = console_.locator('tbody tr').filter({ hasText: jobId });
    expect(await row.innerText()).toContain('Test Reseller');
    expect(await row.locator('progress').getAttribute('value')).toBe('40');
    await look(console_, 'console-bulk-jobs');
    await ops.close();
  }, 240_000);
});
