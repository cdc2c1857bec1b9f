/**
 * Bulk jobs through the API: the preflight (per-line errors, the total, whether the wallet
 * covers it), nothing run before confirmation, each item through the single order's path (one
 * charge per success, the hold released on failure), the per-item CSV and `bulk_job.completed`;
 * pause, resume and cancel; the actions that are not orders.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers';
import { makeReseller, type TestReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, topUp } from '../order-helpers';
import { bulkApi, jobEnded, jobLedger, jobOf, ownedDomains } from './bulk-helpers';

// Clients here poll a job ten times a second: the per-credential rate limit is lifted.
const h = useOrderHarness({ apiEnv: { RATE_LIMIT_POINTS: '100000' } });
let r: TestReseller;
let api: ReturnType<typeof bulkApi>;

beforeAll(async () => {
  r = await makeReseller(h.db);
  api = bulkApi(h, r);
});

describe('bulk jobs', () => {
  it('checks and prices before anything runs, then renews each item once: charges equal successes', async () => {
    const names = await ownedDomains(h, r.id, 20, { missingAtRegistrar: (i) => i % 10 === 3 });
    const csv = [
      'domain,years',
      ...names.map((n) => `${n},1`),
      'not a domain,1',
      `${names[0]},1`,
      'elsewhere-9.com,1',
    ].join('\n');
    const renewCalls = () => h.sim.calls.get('renew') ?? 0;
    const before0 = renewCalls();

    // The preflight: the three bad lines named by their CSV line, the valid ones priced (12.99 each).
    const pre = await api('POST', '/bulk-jobs', { action: 'renew', csv }, 'bulk-renew-1');
    expect(pre.status, pre.text).toBe(201);
    const job = jobOf(pre);
    expect(job.status).toBe('preflight');
    expect(job.items).toMatchObject({ total: 23, pending: 20, invalid: 3 });
    expect(job.errors.map((e) => [e.line, e.code])).toEqual([
      [22, 'validation_failed'],
      [23, 'duplicate_domain'],
      [24, 'domain_not_found'],
    ]);
    expect(job.total_price).toMatchObject({ amount_minor: String(20 * 1299), currency: 'USD' });
    expect(job.wallet_covers).toBe(false);
    expect(pre.headers.get('location')).toBe(`/api/v1/bulk-jobs/${job.id}`);
    // The same key answers the same job; nothing reached the registrar.
    expect(jobOf(await api('POST', '/bulk-jobs', { action: 'renew', csv }, 'bulk-renew-1')).id).toBe(job.id);
    expect(renewCalls()).toBe(before0);

    // Confirmation: refused while items are invalid, then while the wallet does not cover the total.
    const invalid = await api('POST', `/bulk-jobs/${job.id}/confirm`, {});
    expect(invalid.status).toBe(422);
    expect(invalid.body['code']).toBe('bulk_job_invalid');
    const poor = await api('POST', `/bulk-jobs/${job.id}/confirm`, { skip_invalid: true });
    expect(poor.status).toBe(422);
    expect(poor.body['code']).toBe('insufficient_balance');
    await topUp(h.db, r.id, 20n * 1299n);
    const before = await balanceOf(h.db, r.id);
    const ok = await api('POST', `/bulk-jobs/${job.id}/confirm`, { skip_invalid: true });
    expect(ok.status, ok.text).toBe(202);
    expect(['running', 'completed']).toContain(jobOf(ok).status);

    const done = await jobEnded(api, job.id, 120_000);
    expect(done.status).toBe('completed');
    expect(done.items).toMatchObject({ succeeded: 18, failed: 2, invalid: 3, pending: 0, running: 0 });
    expect(done.charged.amount_minor).toBe(String(18 * 1299));
    // One renewal at the registrar per success (the two it refused were asked once each).
    expect(renewCalls() - before0).toBe(20);
    const after = await balanceOf(h.db, r.id);
    expect(before.available - after.available).toBe(18n * 1299n);
    expect(after.held).toBe(0n);
    const ledger = await jobLedger(h.db, job.id);
    expect(ledger.find((l) => l.order_status === 'completed' && l.entry_status === 'posted')?.n).toBe(18);
    expect(ledger.find((l) => l.order_status === 'failed' && l.entry_status === 'voided')?.n).toBe(2);

    // The results, a row per line; and one bulk_job.completed with the same counts.
    const res = await fetch(`${h.api.url}${done.results_url}`, {
      headers: { Authorization: `Bearer ${r.token}` },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(23);
    expect(rows.filter((x) => x['status'] === 'failed').map((x) => x['domain'])).toEqual([
      names[3],
      names[13],
    ]);
    expect(rows.find((x) => x['domain'] === names[3])?.['error_code']).toBeTruthy();
    const events = (await h.db('events').where({ resellerId: r.id, type: 'bulk_job.completed' })) as Array<{
      payload: { job_id: string; items: Record<string, number>; charged: { amount_minor: string } };
    }>;
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      job_id: job.id,
      items: { total: 23, succeeded: 18, failed: 2, cancelled: 0, invalid: 3 },
      charged: { amount_minor: String(18 * 1299) },
    });
  });

  it('pauses (no item starts), resumes, and cancels: items in flight finish, the rest never start', async () => {
    const names = await ownedDomains(h, r.id, 30, { prefix: 'bulkpause' });
    h.sim.setFaults({ latencyMs: 300 });
    try {
      const job = jobOf(
        await api('POST', '/bulk-jobs', {
          action: 'privacy',
          items: names,
          options: { privacy: 'full' },
          concurrency: 2,
        }),
      );
      expect(job.total_price.amount_minor).toBe('0');
      expect((await api('POST', `/bulk-jobs/${job.id}/confirm`, {})).status).toBe(202);
      await eventually(
        async () => (jobOf(await api('GET', `/bulk-jobs/${job.id}`)).items.succeeded >= 2 ? true : null),
        30_000,
      );

      // Its run in the Temporal UI: a readable summary, and current details that say how far it got.
      const run = h.temporal.workflow.getHandle(`bulk-job-${job.id}`);
      expect(await (await run.describe()).staticSummary()).toMatch(/^Bulk privacy of 30 domains · blk_/);
      const meta = await run.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(meta.currentDetails).toMatch(/\*\*\d+ of 30\*\* items finished/);
      const paused = await api('POST', `/bulk-jobs/${job.id}/pause`, {});
      expect(paused.status).toBe(202);
      expect(jobOf(paused).status).toBe('paused');
      // What was in flight finishes; then nothing moves.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const still = jobOf(await api('GET', `/bulk-jobs/${job.id}`));
      expect(still.items.running).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(jobOf(await api('GET', `/bulk-jobs/${job.id}`)).items.succeeded).toBe(still.items.succeeded);
      expect(still.items.succeeded).toBeLessThan(30);

      expect(jobOf(await api('POST', `/bulk-jobs/${job.id}/resume`, {})).status).toBe('running');
      await eventually(
        async () =>
          jobOf(await api('GET', `/bulk-jobs/${job.id}`)).items.succeeded >= still.items.succeeded + 2
            ? true
            : null,
        30_000,
      );
      expect((await api('POST', `/bulk-jobs/${job.id}/cancel`, {})).status).toBe(202);
      const ended = await jobEnded(api, job.id, 60_000);
      expect(ended.status).toBe('cancelled');
      expect(ended.items.cancelled).toBeGreaterThan(0);
      expect(ended.items.succeeded + ended.items.cancelled).toBe(30);
      // No item half-done: each private at the registrar (seeded without) exactly when it succeeded.
      const rows = (await h
        .db('bulkJobItems as i')
        .join('bulkJobs as j', 'j.id', 'i.jobId')
        .where('j.publicId', job.id)
        .select('i.domain', 'i.status')) as Array<{
        domain: string;
        status: string;
      }>;
      expect(
        rows.filter(
          (row) => (h.sim.domains.get(row.domain)?.privacy === 'full') !== (row.status === 'succeeded'),
        ),
      ).toEqual([]);
      // A finished job cannot be resumed.
      expect((await api('POST', `/bulk-jobs/${job.id}/resume`, {})).body['code']).toBe(
        'bulk_job_not_running',
      );
    } finally {
      h.sim.setFaults({ latencyMs: 0 });
    }
  });

  it(
    'sets auto-renew, nameservers and DNS records on every domain, and refuses bad input with field errors',
    { timeout: 180_000 },
    async () => {
      const names = await ownedDomains(h, r.id, 5, { prefix: 'bulkns' });
      const ns = await api('POST', '/bulk-jobs', {
        action: 'nameservers',
        items: names.map((domain) => ({ domain, nameservers: 'ns1.bulk.example ns2.bulk.example' })),
      });
      const nsJob = jobOf(ns);
      await api('POST', `/bulk-jobs/${nsJob.id}/confirm`, {});
      const auto = jobOf(
        await api('POST', '/bulk-jobs', { action: 'auto_renew', items: names, options: { enabled: true } }),
      );
      await api('POST', `/bulk-jobs/${auto.id}/confirm`, {});
      expect((await jobEnded(api, nsJob.id, 60_000)).items.succeeded).toBe(5);
      expect((await jobEnded(api, auto.id, 60_000)).items.succeeded).toBe(5);
      for (const n of names)
        expect(h.sim.domains.get(n)?.nameservers).toEqual(['ns1.bulk.example', 'ns2.bulk.example']);
      const flags = (await h.db('domains').whereIn('name', names).select('autoRenew')) as Array<{
        autoRenew: boolean;
      }>;
      expect(flags.every((f) => f.autoRenew)).toBe(true);

      // DNS records replaced through each zone's workflow, as PUT /domains/{d}/dns does.
      for (const n of names.slice(0, 2))
        expect((await api('POST', `/domains/${n}/dns/provision`, { confirm: true })).status).toBe(200);
      const dns = jobOf(
        await api('POST', '/bulk-jobs', {
          action: 'dns_replace',
          items: names.slice(0, 2),
          options: { records: [{ type: 'A', name: '@', value: '192.0.2.10', ttl: 3600 }] },
        }),
      );
      await api('POST', `/bulk-jobs/${dns.id}/confirm`, {});
      const dnsDone = await jobEnded(api, dns.id, 60_000);
      expect(dnsDone.items).toMatchObject({ succeeded: 2, failed: 0 });
      // Each zone holds the new set and has published it (here on the hosted DNS addon).
      const zones = (await h
        .db('dnsRecords')
        .join('domains', 'domains.id', 'dnsRecords.domainId')
        .join('dnsZones', 'dnsZones.domainId', 'domains.id')
        .whereIn('domains.name', names.slice(0, 2))
        .select('domains.name', 'dnsRecords.type', 'dnsRecords.value', 'dnsZones.pushStatus')) as Array<
        Record<string, string>
      >;
      expect(zones.map((z) => [z['type'], z['value'], z['pushStatus']])).toEqual([
        ['A', '192.0.2.10', 'pushed'],
        ['A', '192.0.2.10', 'pushed'],
      ]);

      const bad = await api('POST', '/bulk-jobs', { action: 'explode', items: names });
      expect(bad.status).toBe(422);
      expect(bad.body['errors']).toHaveProperty('action');
      const missing = jobOf(await api('POST', '/bulk-jobs', { action: 'privacy', items: [names[0]] }));
      expect(missing.errors[0]).toMatchObject({ line: 1, code: 'validation_failed' });
      expect((await api('GET', '/bulk-jobs/blk_00000000000000000000')).status).toBe(404);
    },
  );

  it('runs from the shell: bulk:submit a CSV, bulk:status --follow prints a line per change off a terminal', async () => {
    const names = await ownedDomains(h, r.id, 6, { prefix: 'bulkcli' });
    await topUp(h.db, r.id, 6n * 1299n);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'bulk-cli-')), 'renew.csv');
    await writeFile(file, ['domain', ...names].join('\n'));
    const submitted = await runCli([
      'bulk:submit',
      file,
      '--reseller',
      String(r.id),
      '--action',
      'renew',
      '--yes',
      '--json',
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = JSON.parse(submitted.stdout) as {
      id: string;
      status: string;
      total_price: { amount: string };
    };
    expect(job.total_price.amount).toBe('77.94');
    const followed = await runCli(['bulk:status', job.id, '--follow', '--interval', '200']);
    expect(followed.code, followed.stderr).toBe(0);
    const lines = followed.stdout.split('\n').filter((l) => l.includes(` ${job.id} `));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/ completed 6\/6 \(100%\) succeeded=6 failed=0/);
    expect(followed.stdout).toMatch(/status\s+completed/);
    const results = await runCli(['bulk:results', job.id]);
    expect(results.stdout.split('\n').filter((l) => l.includes(',succeeded,'))).toHaveLength(6);
    expect((await runCli(['bulk:pause', job.id])).stderr).toContain('bulk_job_not_running');
  });
});
