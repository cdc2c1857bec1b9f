import { inject } from 'vitest';

/*
 * Test files run side by side, one per vitest fork (`maxWorkers` in vitest.config.mts). Each
 * fork is a slot (VITEST_POOL_ID, 1 up to the number of forks) with a database and a Temporal
 * namespace of its own, made by global-setup.ts: its workers take only its own runs, its
 * schedules and workflow IDs (derived from row IDs) meet no other file's, and the files of one
 * slot run one after another as the whole suite once did.
 */

/** This fork's slot, 1-based. */
export function poolSlot(): number {
  const id = Number(process.env['VITEST_POOL_ID'] ?? '1');
  return Number.isInteger(id) && id > 0 ? id : 1;
}

function ofSlot<T>(values: readonly T[]): T {
  return values[(poolSlot() - 1) % values.length]!;
}

/** This slot's database (migrated, the demo catalog loaded). */
export function poolDatabaseUrl(): string {
  return ofSlot(inject('databaseUrls'));
}

/** This slot's Temporal namespace (`default` for the first). */
export function poolNamespace(): string {
  return ofSlot(inject('namespaces'));
}
