import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }> | string[];
  environment?: Record<string, string>;
  ports?: string[];
}

describe('docker-compose.yml (production-shaped stack)', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
  };

  it('has Postgres, Temporal on Postgres, the Temporal UI, migrations, the worker and the API', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    expect(s['temporal']!.image).toMatch(/^temporalio\/auto-setup:/);
    expect(s['temporal']!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(s['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    for (const name of ['api', 'worker', 'migrate']) {
      expect(s[name]!.build, name).toBe('.');
      expect(s[name]!.environment?.['DATABASE_URL'], name).toMatch(/^postgres:\/\//);
    }
    expect(s['api']!.command).toEqual(['node', 'dist/src/cli.js', 'api']);
    expect(s['worker']!.command).toEqual(['node', 'dist/src/cli.js', 'worker']);
  });

  it('gates start-up on health checks and the migration', () => {
    const s = compose.services;
    for (const name of ['postgres', 'temporal', 'api'])
      expect(s[name]!.healthcheck?.test, name).toBeDefined();
    expect(s['api']!.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
      temporal: { condition: 'service_healthy' },
    });
    expect(s['worker']!.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('passes `docker compose config` where the compose client is installed', () => {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('docker compose client not installed here: structural checks only');
      return;
    }
    execFileSync('docker', ['compose', '-f', path.join(root, 'docker-compose.yml'), 'config', '--quiet'], {
      stdio: 'pipe',
    });
  });
});
