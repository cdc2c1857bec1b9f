import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Knex } from 'knex';
import { temporalCallsMade } from '../../src/temporal/client';

/*
 * What one unit of work costs, counted (never timed): the Temporal work of every workflow run it
 * touched, the Temporal calls the API made, the SQL statements of the API's and the worker's own
 * connection pools, the registrar calls and the webhook requests. The budgets are the table in
 * docs/performance.md between the `budgets` markers, which the budget test reads.
 */

export const COUNTERS = {
  workflowTasks: 'workflow tasks',
  historyEvents: 'history events',
  activities: 'activities',
  localActivities: 'local activities',
  apiTemporalCalls: 'API Temporal RPCs',
  apiSql: 'API SQL',
  workerSql: 'worker SQL',
  registrarCalls: 'registrar calls',
  webhookRequests: 'webhook requests',
} as const;

export type Counter = keyof typeof COUNTERS;
export type Counts = Record<Counter, number>;

const PERFORMANCE_DOC = path.resolve(__dirname, '..', '..', 'docs', 'performance.md');

/** The budget table: kind → counter → the most one unit of that kind may cost. */
export function readBudgets(file = PERFORMANCE_DOC): Map<string, Counts> {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- budgets:start -->');
  const end = text.indexOf('<!-- budgets:end -->');
  if (start < 0 || end < start) throw new Error(`${file} lacks the budgets markers`);
  const rows = text
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const [header, , ...body] = rows;
  if (!header) throw new Error('the budget table has no header');
  const byName = new Map<string, Counter>(Object.entries(COUNTERS).map(([k, v]) => [v, k as Counter]));
  const columns = header.slice(1).map((name) => {
    const key = byName.get(name);
    if (!key) throw new Error(`the budget table has an unknown column "${name}"`);
    return key;
  });
  const budgets = new Map<string, Counts>();
  for (const row of body) {
    const counts = {} as Counts;
    columns.forEach((key, i) => {
      counts[key] = Number(row[i + 1]);
    });
    budgets.set(row[0]!, counts);
  }
  return budgets;
}

/**
 * What timing may add to a row: one workflow task (its three events) when two completions reach
 * the worker apart rather than together. Nothing else moves between runs.
 */
export const TIMING_SLACK: Partial<Counts> = { workflowTasks: 1, historyEvents: 3 };

/** Where a measured unit exceeds its budget: one sentence per counter over it. */
export function overBudget(kind: string, budget: Counts | undefined, measured: Counts): string[] {
  if (!budget) return [`${kind}: no row in the budget table (docs/performance.md)`];
  return (Object.keys(COUNTERS) as Counter[])
    .filter((key) => measured[key] > budget[key] + (TIMING_SLACK[key] ?? 0))
    .map((key) => `${kind}: ${COUNTERS[key]} over budget: budget ${budget[key]}, now ${measured[key]}`);
}

/** Counts the statements a pool sends (knex's `query` event), with their SQL for a failure's message. */
export function countStatements(db: Knex): { count: () => number; since: (n: number) => string[] } {
  const statements: string[] = [];
  db.on('query', (q: { sql: string }) => statements.push(q.sql));
  return { count: () => statements.length, since: (n) => statements.slice(n) };
}

const E = proto.api.enums.v1.EventType;

/** The Temporal work of one run after `since`: tasks, events, activities, local activities. */
export async function runCost(
  temporal: Client,
  workflowId: string,
  runId: string | undefined,
  since: number,
): Promise<Pick<Counts, 'workflowTasks' | 'historyEvents' | 'activities' | 'localActivities'>> {
  const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = (history.events ?? []).filter((e) => {
    const t = e.eventTime;
    return t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) >= since : true;
  });
  const count = (type: proto.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
  return {
    workflowTasks: count(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) + count(E.EVENT_TYPE_WORKFLOW_TASK_FAILED),
    historyEvents: events.length,
    activities: count(E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    // Patch markers are markers too; a local activity's is `core_local_activity`.
    localActivities: events.filter(
      (e) =>
        e.eventType === E.EVENT_TYPE_MARKER_RECORDED &&
        e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    ).length,
  };
}

/** Every Temporal call the API's clients made so far. */
export function apiTemporalCalls(): number {
  return [...temporalCallsMade().values()].reduce((a, b) => a + b, 0);
}
