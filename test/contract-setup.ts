import { afterAll, expect } from 'vitest';
import { recordContractChecks } from './contract';

// Each file's count of answers checked against the OpenAPI document, for the run's report.
afterAll(() => {
  recordContractChecks(path(expect.getState().testPath));
});

function path(p: string | undefined): string {
  return (p ?? 'unknown').replace(/^.*\/test\//, 'test/');
}
