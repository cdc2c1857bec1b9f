import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * How many test files run side by side, each in a slot of its own (test/pool.ts): `TEST_WORKERS`,
 * else 3; the fault suites (FAULTS=1), which stop and cut servers, one at a time. global-setup.ts
 * makes a database and a namespace per slot.
 */
const asked = Number(process.env['TEST_WORKERS'] ?? (process.env['FAULTS'] ? 1 : 3));
const slots = Number.isInteger(asked) && asked > 0 ? asked : 1;

export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, '..'),
    include: ['test/**/*.test.ts'],
    // Faults below the application (a server of our own stopped and started) run under
    // `npm run test:reliability` only (FAULTS=1).
    exclude: process.env['FAULTS'] ? configDefaults.exclude : [...configDefaults.exclude, 'test/faults/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/ts-require.ts', 'test/contract-setup.ts'],
    // One Temporal dev server for the run; files run side by side in forks (the Temporal
    // worker's native runtime does not belong in worker threads), each fork a slot with its own
    // database and namespace (test/pool.ts), the files of a slot one after another.
    pool: 'forks',
    // A fork runs its slot's files one after another in one process: the app's modules and the
    // Temporal SDK are loaded once per slot, not once per file (no file mocks modules, stubs the
    // environment or fakes timers; each starts and closes what it uses).
    isolate: false,
    fileParallelism: slots > 1,
    maxWorkers: slots,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'coverage/vitest-report.json' },
  },
});
