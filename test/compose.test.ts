import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../src/temporal/dev-server';
import { PROD_TEMPORAL } from '../src/temporal/prod-server';
import { TEMPORAL_UI_VERSION } from '../src/temporal/ui-server';

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
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };

  it('has Postgres, Temporal on Postgres, the Temporal UI, migrations, the workers by queue and the API', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual([
      'api',
      'migrate',
      'pdns',
      'postgres',
      'redis',
      'temporal',
      'temporal-ui',
      'worker-default',
      'worker-provisioning',
      'worker-webhooks',
    ]);
    expect(s['temporal']!.image).toMatch(/^temporalio\/auto-setup:/);
    expect(s['temporal']!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(s['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    for (const name of ['api', 'worker-provisioning', 'worker-webhooks', 'worker-default', 'migrate']) {
      expect(s[name]!.build, name).toBe('.');
      expect(s[name]!.environment?.['DATABASE_URL'], name).toMatch(/^postgres:\/\//);
    }
    expect(s['api']!.command).toEqual(['node', 'dist/src/cli.js', 'api']);
    // The hosted DNS addon: the API and the worker point at the pdns service's API.
    expect(s['pdns']!.build).toBe('./deploy/pdns');
    expect(s['api']!.environment?.['DNS_ADDON_URL']).toBe('http://pdns:8081');
    expect(readFileSync(path.join(root, 'deploy/pdns/Dockerfile'), 'utf8')).toMatch(
      /pdns-server pdns-backend-pgsql/,
    );
    // Two provisioning workers, one webhooks worker, one default worker, each on its own queue.
    const workers = Object.entries(s as Record<string, Service & { deploy?: { replicas?: number } }>)
      .filter(([name]) => name.startsWith('worker-'))
      .map(([, w]) => ({ queues: w.command?.slice(-1)[0], replicas: w.deploy?.replicas ?? 1 }))
      .sort((a, b) => String(a.queues).localeCompare(String(b.queues)));
    expect(workers).toEqual([
      { queues: 'default', replicas: 1 },
      { queues: 'provisioning', replicas: 2 },
      { queues: 'webhooks', replicas: 1 },
    ]);
    for (const name of ['worker-provisioning', 'worker-webhooks', 'worker-default'])
      expect(s[name]!.command!.slice(0, 4), name).toEqual(['node', 'dist/src/cli.js', 'worker', '--queues']);
  });

  it("runs Temporal with the dev server's dynamic config, and the API on shared Redis rate limits", () => {
    const s = compose.services as Record<string, Service & { volumes?: string[] }>;
    const mount = s['temporal']!.volumes?.find((v) => v.startsWith('./deploy/temporal/'));
    expect(mount).toBeDefined();
    const [file, target] = mount!.split(':');
    expect(s['temporal']!.environment?.['DYNAMIC_CONFIG_FILE_PATH']).toBe(
      target!.replace('/etc/temporal/', ''),
    );
    const values = parse(readFileSync(path.join(root, file!), 'utf8')) as Record<
      string,
      Array<{ value: unknown }>
    >;
    expect(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v[0]!.value)]))).toEqual(
      DEV_SERVER_DYNAMIC_CONFIG,
    );
    expect(s['api']!.environment?.['REDIS_URL']).toBe('redis://redis:6379');
    expect(s['api']!.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
  });

  it('describes the engine `npm run prod:local` runs: version, plugin, shards, databases, dynamic config', () => {
    const t = compose.services['temporal'] as Service & { volumes?: string[] };
    expect(t.image).toBe(`temporalio/auto-setup:${PROD_TEMPORAL.serverVersion}`);
    expect(t.environment).toMatchObject({
      DB: PROD_TEMPORAL.persistencePlugin,
      NUM_HISTORY_SHARDS: String(PROD_TEMPORAL.historyShards),
      DBNAME: 'domain_reseller_temporal',
      VISIBILITY_DBNAME: 'domain_reseller_temporal_visibility',
    });
    expect(t.volumes?.some((v) => v.startsWith(`./${PROD_TEMPORAL.dynamicConfigFile}:`))).toBe(true);
    // prod:local's databases (dev/prod-local.ts) and the build script's pinned release.
    const prodLocal = readFileSync(path.join(root, 'dev', 'prod-local.ts'), 'utf8');
    expect(prodLocal).toContain("database: 'domain_reseller_temporal'");
    expect(prodLocal).toContain("visibilityDatabase: 'domain_reseller_temporal_visibility'");
    const script = readFileSync(path.join(root, 'scripts', 'ensure-temporal-server.sh'), 'utf8');
    expect(script).toContain(`TEMPORAL_SERVER_VERSION:-v${PROD_TEMPORAL.serverVersion}}`);
    // …and the dev server the tests run is that same server release.
    const version = execFileSync(inject('temporalBin'), ['--version'], { encoding: 'utf8' });
    expect(version).toContain(`Server ${PROD_TEMPORAL.serverVersion}`);
    expect(compose.services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(version).toContain(`UI ${compose.services['temporal-ui']!.image!.split(':')[1]}`);
    // prod:local's UI server (scripts/ensure-temporal-ui.sh) is that same UI release.
    expect(compose.services['temporal-ui']!.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    const uiScript = readFileSync(path.join(root, 'scripts', 'ensure-temporal-ui.sh'), 'utf8');
    expect(uiScript).toContain(`TEMPORAL_UI_VERSION:-v${TEMPORAL_UI_VERSION}}`);
    expect(prodLocal).toContain('startUiServer(');
  });

  it('gates start-up on health checks and the migration', () => {
    const s = compose.services;
    for (const name of ['postgres', 'temporal', 'redis', 'api'])
      expect(s[name]!.healthcheck?.test, name).toBeDefined();
    expect(s['api']!.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
      temporal: { condition: 'service_healthy' },
    });
    for (const name of ['worker-provisioning', 'worker-webhooks', 'worker-default'])
      expect(s[name]!.depends_on, name).toMatchObject({
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

describe('the production image (Dockerfile)', () => {
  it('holds no simulator and no dev launcher: its build copies src, workflows and activities, and compiling them reaches nothing else', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('FROM '));
    const copied = [...build.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied.sort()).toEqual(
      [
        'activities',
        'package-lock.json',
        'package.json',
        'src',
        'tsconfig.build.json',
        'tsconfig.json',
        'workflows',
      ].sort(),
    );
    // What `npm run build` compiles into dist: the files of the image.
    const listed = execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--listFilesOnly',
      ],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .filter((f) => f && !f.includes('/node_modules/'))
      .map((f) => path.relative(root, f));
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.filter((f) => !/^(src|workflows|activities)\//.test(f))).toEqual([]);
    expect(listed.filter((f) => /simulator/i.test(f))).toEqual([]);
    // The final stage takes only the build's output, the production dependencies and package.json.
    const final = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect([...final.matchAll(/^COPY (.+)$/gm)].map((m) => m[1])).toEqual([
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
      'package.json ./',
    ]);
  });
});
