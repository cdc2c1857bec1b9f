import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiCredential, Reseller } from '../src/db/models';
import { call, startTestApi, testDb, type TestApi } from './helpers';
import { runCli } from './cli-helpers';
import { pingWorkflowId } from '../workflows/contracts';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const cli = runCli;

let db: Knex;
let api: TestApi;

beforeAll(async () => {
  db = testDb();
  api = await startTestApi(db);
});

afterAll(async () => {
  await api.close();
  await db.destroy();
});

describe('operator CLI', () => {
  it('doctor passes against a migrated database and a Temporal server with our search attributes', async () => {
    const res = await cli(['doctor']);
    expect(res.code).toBe(0);
    for (const name of ['database', 'migrations', 'temporal', 'namespace', 'search attributes']) {
      expect(res.stdout).toMatch(new RegExp(`^ok\\s+${name}`, 'm'));
    }
    expect(res.stdout).toContain('all checks passed');
  });

  it('doctor --check-dynadot (the seed 000 flag) calls the registrar like --check-registrar', async () => {
    const unreachable = { DYNADOT_API_URL: 'http://127.0.0.1:1/api3.json', REGISTRAR_TIMEOUT_MS: '1000' };
    for (const flag of ['--check-dynadot', '--check-registrar']) {
      const res = await cli(['doctor', flag], unreachable);
      expect(res.code, flag).toBe(1);
      expect(res.stdout, flag).toMatch(/^FAIL\s+registrar/m);
    }
    expect((await cli(['doctor'], unreachable)).stdout).not.toMatch(/^(ok|warn|FAIL)\s+registrar\s/m);
  });

  it('doctor exits non-zero and names what failed', async () => {
    const res = await cli(['doctor'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^FAIL\s+database/m);
    expect(res.stdout).toMatch(/^FAIL\s+temporal/m);
    expect(res.stdout).toContain('2 check(s) failed');
  });

  it('worker --queues refuses a kind of work that does not exist, naming the three', async () => {
    const res = await cli(['worker', '--queues', 'provisioning,billing']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'WORKER_QUEUES: use a comma-separated subset of provisioning, webhooks, default (not billing)',
    );
    const shared = await cli(['worker'], { TEMPORAL_QUEUE_WEBHOOKS: 'domain-provisioning' });
    expect(shared.code).toBe(1);
    expect(shared.stderr).toContain('TEMPORAL_QUEUE_*: each kind of work needs a queue of its own');
  });

  it("doctor and /metrics report a task queue's backlog, its oldest task and that no worker polls it", async () => {
    const queue = `doctor-${randomUUID()}`;
    const handles = await Promise.all(
      [1, 2, 3].map((i) =>
        api.temporal.workflow.start('pingWorkflow', {
          taskQueue: queue,
          workflowId: pingWorkflowId(`backlog-${queue}-${i}`),
          args: [{ message: 'waits for a worker' }],
        }),
      ),
    );
    const metricsApi = await startTestApi(db, { TEMPORAL_QUEUE_DEFAULT: queue });
    try {
      const line = new RegExp(
        `^warn\\s+queue ${queue} \\(workflow\\)\\s+3 task\\(s\\) waiting, the oldest for \\d+ s; no worker polls it \\(run a worker with --queues default\\)`,
        'm',
      );
      let doctor = await cli(['doctor'], { TEMPORAL_QUEUE_DEFAULT: queue });
      for (let i = 0; i < 20 && !line.test(doctor.stdout); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        doctor = await cli(['doctor'], { TEMPORAL_QUEUE_DEFAULT: queue });
      }
      expect(doctor.code).toBe(0);
      expect(doctor.stdout).toMatch(line);
      const text = await (await fetch(`${metricsApi.url}/metrics`)).text();
      expect(text).toContain(
        `temporal_task_queue_backlog{task_queue="${queue}",type="workflow",kind="default"} 3`,
      );
      expect(text).toContain(
        `temporal_task_queue_pollers{task_queue="${queue}",type="workflow",kind="default"} 0`,
      );
      expect(text).toMatch(
        new RegExp(
          `temporal_task_queue_backlog_age_seconds\\{task_queue="${queue}",type="workflow",kind="default"\\} \\d`,
        ),
      );
    } finally {
      await metricsApi.close();
      await Promise.all(handles.map((h) => h.terminate('test over')));
    }
  });

  it('migrate is idempotent', async () => {
    const res = await cli(['migrate']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe('nothing to do');
  });

  it('reseller:create prints working credentials once and stores only hashes', async () => {
    const email = `cli-${Date.now()}@example.test`;
    const res = await cli([
      'reseller:create',
      '--name',
      'CLI Co',
      '--email',
      email,
      '--currency',
      'idr',
      '--ip',
      '127.0.0.1',
    ]);
    expect(res.code).toBe(0);
    const apiKey = /X-API-KEY:\s+(dak_\S+)/.exec(res.stdout)?.[1];
    const token = /Bearer token:\s+(drk_\S+)/.exec(res.stdout)?.[1];
    expect(apiKey).toBeDefined();
    expect(token).toBeDefined();

    const reseller = await Reseller.query(db).findOne({ email });
    expect(reseller?.currency).toBe('IDR');
    const creds = await ApiCredential.query(db).where('resellerId', reseller!.id);
    expect(JSON.stringify(creds)).not.toContain(apiKey!.slice(-40));

    expect((await call(`${api.url}/api/v1/domains`, { headers: { 'X-API-KEY': apiKey! } })).status).toBe(200);
    const status = await call(`${api.url}/api/reseller/v1/status`, {
      headers: { Authorization: `Bearer ${token!}` },
    });
    expect(status.status).toBe(200);
    expect(status.body['data']).toMatchObject({ wallet: { currency: 'IDR' } });
  });

  it('reseller:create rejects bad input with a clear message', async () => {
    const res = await cli([
      'reseller:create',
      '--name',
      'X',
      '--email',
      'x@example.test',
      '--ip',
      'not-an-ip',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('"not-an-ip" is not an IP address or CIDR range');
    const abilities = await cli([
      'reseller:create',
      '--name',
      'X',
      '--email',
      'y@example.test',
      '--abilities',
      'root',
    ]);
    expect(abilities.code).not.toBe(0);
    expect(abilities.stderr).toContain('unknown abilities: root');
  });
});

describe('operator batch commands', () => {
  it('retry-provisioning and webhooks commands run and summarise, and refuse bad arguments', async () => {
    const retry = await cli(['domains:retry-provisioning', '--status=failed', '--limit=5']);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/considered \d+, resumed \d+, skipped \d+/);
    const badStatus = await cli(['domains:retry-provisioning', '--status=completed']);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toContain('--status takes failed and/or processing');
    const retryHooks = await cli(['webhooks:retry-failed', '--limit=10']);
    expect(retryHooks.code).toBe(0);
    expect(retryHooks.stdout).toMatch(
      /restarted \d+ failed deliveries; \d+ stranded pending deliveries given a workflow/,
    );
    const replay = await cli(['webhooks:replay', '--event', '00000000-0000-0000-0000-000000000000']);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('no event 00000000-0000-0000-0000-000000000000');
  });

  it('send-expiry-reminders creates the schedule and triggers it', async () => {
    const res = await cli(['domains:send-expiry-reminders']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/schedule expiry-reminders (created|updated); triggered a run now/);
  });
});

describe('scripts/ensure-temporal.sh', () => {
  const script = path.join(root, 'scripts', 'ensure-temporal.sh');

  it('prefers TEMPORAL_BIN', async () => {
    const { stdout } = await run('bash', [script], { env: { ...process.env, TEMPORAL_BIN: '/bin/true' } });
    expect(stdout.trim()).toBe('/bin/true');
  });

  it('fails clearly when TEMPORAL_BIN is not executable', async () => {
    await expect(
      run('bash', [script], { env: { ...process.env, TEMPORAL_BIN: '/nonexistent/temporal' } }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('is not an executable file') as unknown,
    });
  });

  it('reuses the pinned build the test run uses', () => {
    expect(inject('temporalBin')).toMatch(/temporal/);
  });
});
