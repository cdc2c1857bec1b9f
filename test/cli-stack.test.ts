import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../src/main-api';
import { type StackState, writeStackState } from '../src/stack-state';
import { runCli } from './cli-helpers';
import { silentLog, testConfig, testDb } from './helpers';
import { poolDatabaseUrl, poolNamespace } from './pool';

// The operator CLI finds the local stack that runs (`npm run dev`, `npm run prod:local`) by the
// state files they write under DATA_DIR/stacks, when no DATABASE_URL or TEMPORAL_ADDRESS is set.
const db = testDb();
const dataDir = mkdtempSync(path.join(tmpdir(), 'stacks-'));
let api: RunningApi;
const removes: Array<() => void> = [];

beforeAll(async () => {
  api = await startApi(testConfig({ PORT: '0', HOST: '127.0.0.1' }), silentLog, { db });
});
afterAll(async () => {
  for (const r of removes) r();
  await api.close();
  await db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A stack's state as the launcher writes it (this test process stands for the launcher). */
function runStack(stack: StackState['stack'], databaseUrl: string): () => void {
  const remove = writeStackState(dataDir, {
    stack,
    apiUrl: api.url,
    databaseUrl,
    temporalAddress: inject('temporalAddress'),
    temporalNamespace: poolNamespace(),
    env: {},
    workers: [{ name: 'worker', queues: ['provisioning', 'webhooks', 'default'] }],
  });
  removes.push(remove);
  return remove;
}

/** The CLI with neither DATABASE_URL nor TEMPORAL_ADDRESS, as an operator types it. */
const cli = (args: string[]) =>
  runCli(args, { DATA_DIR: dataDir, DATABASE_URL: '', TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' });

/** The test database's URL with a password (trust ignores it): the state file must not hold it. */
const withPassword = (url: string) => {
  const u = new URL(url);
  u.password = 'pw-not-in-the-file';
  return u.toString();
};

describe('the CLI on the running stack', () => {
  it(
    'talks to the one stack running, says which on its first line, and its reseller works on that API at once',
    { timeout: 60_000 },
    async () => {
      const remove = runStack('dev', withPassword(poolDatabaseUrl()));
      try {
        const file = path.join(dataDir, 'stacks', 'dev.json');
        expect(readFileSync(file, 'utf8')).not.toContain('pw-not-in-the-file');
        expect(statSync(path.join(dataDir, 'stacks', 'dev.pgpass')).mode & 0o777).toBe(0o600);

        const email = `stack-${Date.now()}@example.com`;
        const made = await cli(['reseller:create', '--name', 'Stack', '--email', email, '--ip', '127.0.0.1']);
        expect(made.code, made.stderr).toBe(0);
        const [first] = made.stdout.split('\n');
        expect(first).toMatch(/^stack: dev \(API http:\/\/127\.0\.0\.1:\d+, database 127\.0\.0\.1:\d+\//);
        const key = /X-API-KEY:\s+(\S+)/.exec(made.stdout)![1]!;
        const res = await fetch(`${api.url}/api/v1/domains`, { headers: { 'X-API-KEY': key } });
        expect(res.status).toBe(200);
        // The reseller is in the stack's database (the test database here).
        expect(await db('resellers').where({ email }).first('id')).toBeDefined();
        // --json stays JSON: no stack line.
        const listed = await cli(['reseller:list', '--search', email, '--json']);
        expect(listed.code, listed.stderr).toBe(0);
        expect((JSON.parse(listed.stdout) as Array<{ email: string }>).map((x) => x.email)).toEqual([email]);
      } finally {
        remove();
      }
    },
  );

  it('refuses to choose between two running stacks; --stack names one', { timeout: 60_000 }, async () => {
    // dev's database does not exist: a command that went there would fail.
    const dead = new URL(poolDatabaseUrl());
    dead.pathname = '/no_such_database_here';
    const removeDev = runStack('dev', dead.toString());
    const removeProd = runStack('prod-local', poolDatabaseUrl());
    try {
      const both = await cli(['reseller:list']);
      expect(both.code).toBe(1);
      expect(both.stderr).toMatch(
        /2 stacks are running \(dev since .*; prod-local since .*\): name one with --stack dev or --stack prod-local/,
      );
      expect(both.stdout).toBe('');

      const named = await cli(['--stack', 'prod-local', 'reseller:list']);
      expect(named.code, named.stderr).toBe(0);
      expect(named.stdout.split('\n')[0]).toMatch(/^stack: prod-local /);
      // After the command's name as well.
      const after = await cli(['reseller:list', '--stack', 'prod-local']);
      expect(after.code, after.stderr).toBe(0);

      const unknown = await cli(['--stack', 'staging', 'reseller:list']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('--stack takes dev or prod-local (not staging)');
    } finally {
      removeDev();
      removeProd();
    }
  });

  it('ignores the state of a stack whose process is gone, and the environment wins when set', async () => {
    runStack('prod-local', poolDatabaseUrl());
    const file = path.join(dataDir, 'stacks', 'prod-local.json');
    const gone = spawnSync('true').pid!;
    const state = JSON.parse(readFileSync(file, 'utf8')) as StackState;
    writeFileSync(file, JSON.stringify({ ...state, pid: gone }));
    const named = await cli(['--stack', 'prod-local', 'reseller:list']);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('the prod-local stack is not running');

    writeFileSync(file, JSON.stringify(state));
    // DATABASE_URL set: the command goes where it says, no stack line.
    const own = await runCli(['reseller:list'], { DATA_DIR: dataDir });
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).not.toMatch(/^stack:/);
  });
});
