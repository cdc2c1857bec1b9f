import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/*
 * Records workflow histories from a test run for the replay test (test/workflows/replay.test.ts).
 * `RECORD_HISTORIES=DIR npm test` (or any vitest run) calls this from the global teardown, before the
 * Temporal server stops: every run the suites started is read, grouped by workflow type and by the
 * sequence of activities, timers and signals it went through, and one run of each distinct path is
 * written as `temporal workflow show --output json` writes it (the CLI writes it, so the format is
 * the CLI's). A manifest beside the files names each run's type, status, patch markers and path.
 *
 * This file is self-contained (only the SDK and the CLI) so that it can be copied into a
 * checkout of an older commit to record the histories of workflow code as it was before a patch.
 */

export interface RecordedHistory {
  file: string;
  workflowType: string;
  status: string;
  /** `patched()` markers the run recorded. */
  patches: string[];
  /** Activity types, timers and signals in the order the run went through them. */
  path: string[];
  events: number;
}

export interface RecordOptions {
  address: string;
  /** The namespaces to read, in this order (default: `default`): one per test slot. */
  namespaces?: readonly string[];
  temporalBin: string;
  dir: string;
  /** At most this many distinct paths per workflow type (default 12). */
  perType?: number;
  /** Written into the manifest: where the histories come from (a commit, "HEAD"). */
  source: string;
}

export interface ShownEvent {
  eventType?: string;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  workflowExecutionSignaledEventAttributes?: { signalName?: string };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } };
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: { data?: string }[] }>;
  };
}

const short = (t: string | undefined): string => (t ?? '').replace(/^EVENT_TYPE_/, '').toLowerCase();

export function patchId(e: ShownEvent): string | null {
  const m = e.markerRecordedEventAttributes;
  if (m?.markerName !== 'core_patch') return null;
  const data = m.details?.['patch-data']?.payloads?.[0]?.data;
  if (!data) return null;
  try {
    const decoded = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id?: string };
    return decoded.id ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether a worker ever completed a workflow task of the run: one that has none (just started,
 * its first task not yet done) holds nothing to replay, and the replayer waits on it forever.
 */
export const decided = (events: ShownEvent[]): boolean =>
  events.some((e) => short(e.eventType) === 'workflow_task_completed');

export function pathOf(events: ShownEvent[]): string[] {
  const steps: string[] = [];
  for (const e of events) {
    const t = short(e.eventType);
    if (t === 'activity_task_scheduled')
      steps.push(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
    else if (t === 'timer_started') steps.push('timer');
    else if (t === 'workflow_execution_signaled')
      steps.push(`signal:${e.workflowExecutionSignaledEventAttributes?.signalName ?? '?'}`);
    else if (t === 'workflow_execution_update_accepted')
      steps.push(
        `update:${e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? '?'}`,
      );
    else if (t === 'start_child_workflow_execution_initiated') steps.push('child');
    else if (/^workflow_execution_(completed|failed|continued_as_new|terminated|timed_out|canceled)$/.test(t))
      steps.push(t.replace('workflow_execution_', 'end:'));
  }
  // A poll loop repeats the same steps: count a repeated run of steps once.
  return steps.filter((s, i) => s !== steps[i - 1] && !(s === 'timer' && steps[i - 2] === 'timer'));
}

export async function recordHistories(opts: RecordOptions): Promise<RecordedHistory[]> {
  const perType = opts.perType ?? 12;
  const connection = await Connection.connect({ address: opts.address });
  const seen = new Map<string, Set<string>>();
  const recorded: RecordedHistory[] = [];
  mkdirSync(opts.dir, { recursive: true });
  try {
    for (const namespace of opts.namespaces ?? ['default'])
      for await (const wf of new Client({ connection, namespace }).workflow.list()) {
        const client = new Client({ connection, namespace });
        const type = wf.type;
        const paths = seen.get(type) ?? new Set<string>();
        if (paths.size >= perType) continue;
        // The path from the SDK's copy of the history (quick); the file from the CLI (its format).
        const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        const events = (JSON.parse(historyToJSON(history)) as { events?: ShownEvent[] }).events ?? [];
        if (!decided(events)) continue;
        const steps = pathOf(events);
        // Runs that go through the same steps (however often they repeat) are one path.
        const distinct = [...new Set(steps)];
        const signature = createHash('sha256').update(distinct.join('>')).digest('hex').slice(0, 10);
        if (paths.has(signature)) continue;
        paths.add(signature);
        seen.set(type, paths);
        const file = `${type}-${signature}.json`;
        const shown = execFileSync(
          opts.temporalBin,
          [
            'workflow',
            'show',
            '--address',
            opts.address,
            '--namespace',
            namespace,
            '--workflow-id',
            wf.workflowId,
            '--run-id',
            wf.runId,
            '--output',
            'json',
          ],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        );
        writeFileSync(path.join(opts.dir, file), shown);
        recorded.push({
          file,
          workflowType: type,
          status: wf.status.name,
          patches: [...new Set(events.map(patchId).filter((p): p is string => p !== null))],
          path: steps,
          events: events.length,
        });
      }
  } finally {
    await connection.close();
  }
  recorded.sort((a, b) => a.file.localeCompare(b.file));
  writeFileSync(
    path.join(opts.dir, 'manifest.json'),
    `${JSON.stringify({ source: opts.source, recordedAt: new Date().toISOString(), histories: recorded }, null, 2)}\n`,
  );
  return recorded;
}
