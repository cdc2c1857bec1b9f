import { Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { pruneApiLogs } from '../src/services/api-logs';

/** The API log retention's step (see apiLogRetentionWorkflow). */
export function createRetentionActivities(deps: { db: Knex }) {
  return {
    /** Deletes API log rows older than `days`, 5,000 at a time; answers how many went. */
    async pruneApiLogs(days: number): Promise<number> {
      return pruneApiLogs(deps.db, days, (deleted) => Context.current().heartbeat(deleted));
    },
  };
}
