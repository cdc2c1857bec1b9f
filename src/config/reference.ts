/**
 * docs/configuration.md's list, written from the schema (index.ts) and the variables the
 * scripts, tests and benches read (`npm run generate`).
 */
import { configSchema, type Config, DEVELOPMENT_ONLY } from './index';

/** Variables read outside the app's configuration: the build scripts, the tests and the benches. */
export const OTHER_VARIABLES: ReadonlyArray<{ name: string; default: string; description: string }> = [
  { name: 'TEMPORAL_BIN', default: '—', description: 'use this `temporal` binary instead of building one' },
  {
    name: 'TEMPORAL_CLI_VERSION',
    default: '`v1.5.1`',
    description: 'CLI version `scripts/ensure-temporal.sh` builds',
  },
  {
    name: 'TEMPORAL_SERVER_DIR',
    default: '—',
    description:
      'a folder holding `temporal-server`, `temporal-sql-tool` and `schema/postgresql/v12`, instead of building them',
  },
  {
    name: 'TEMPORAL_SERVER_VERSION',
    default: '`v1.29.1`',
    description: 'server release `scripts/ensure-temporal-server.sh` builds (keep it the one the CLI embeds)',
  },
  {
    name: 'TEMPORAL_ENGINE',
    default: '`dev`',
    description:
      'tests: `prod-local` runs the suites on temporal-server on Postgres (8 history shards) instead of the dev server',
  },
  {
    name: 'TEST_POSTGRES_URL',
    default: '`postgres://postgres@127.0.0.1:5432/postgres`',
    description: 'tests: server on which each run creates (and drops) its own database',
  },
  {
    name: 'CHROMIUM_PATH',
    default: '`/usr/bin/chromium`',
    description: 'tests: the Chromium the browser tests drive',
  },
  {
    name: 'FUZZ_RUNS',
    default: '`1500`',
    description: 'tests: requests the fuzz test sends (10,000 in `npm run test:reliability`)',
  },
  { name: 'RELIABILITY_SCALE', default: '—', description: '`full`: the reliability suites at full size' },
];

/** What a variable's default is, as the configuration reference shows it. */
function shownDefault(name: keyof Config): string {
  if ((DEVELOPMENT_ONLY as readonly string[]).includes(name)) return 'a public development value';
  if (name === 'DATA_DIR') return '`./.data`';
  const value = configSchema.shape[name].parse(undefined) as string | number | boolean | number[] | undefined;
  if (value === undefined) return '—';
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

/** The configuration reference (docs/configuration.md), generated from the schema. */
export function configReference(): string {
  const rows = (Object.keys(configSchema.shape) as Array<keyof Config>).map(
    (name) => `- \`${name}\` (default ${shownDefault(name)}): ${configSchema.shape[name].description ?? ''}`,
  );
  const others = OTHER_VARIABLES.map((v) => `- \`${v.name}\` (default ${v.default}): ${v.description}`);
  return [...rows, '', 'Read by the scripts and tests only:', '', ...others].join('\n');
}
