import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, '..'),
    include: ['test/**/*.test.ts'],
    // Faults below the application (a server of our own stopped and started) run under
    // `npm run test:reliability` only (FAULTS=1).
    exclude: process.env['FAULTS'] ? configDefaults.exclude : [...configDefaults.exclude, 'test/faults/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/contract-setup.ts'],
    // One Temporal dev server and one database for the run; files run one at a time in forks
    // (the Temporal worker's native runtime does not belong in worker threads).
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'coverage/vitest-report.json' },
  },
});
