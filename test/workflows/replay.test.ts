import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { installRuntime, temporalLogger } from '../../src/temporal/runtime';
import * as workflows from '../../workflows';
import { workflowCode } from '../../src/temporal/worker';
import { workflowBundle } from '../harness';
import { silentLog, testDataConverter } from '../helpers';
import { decided, type RecordedHistory, type ShownEvent } from './record-histories';

/*
 * Every recorded history replays against the workflow code as it is now: what a new worker build
 * meets when it picks up runs already in flight. A change that reorders, adds or removes a step
 * without a patch fails here, not in production as stuck orders.
 *
 * test/workflows/histories/<day>-<commit>/ holds runs recorded by the test suite at that commit
 * (`RECORD_HISTORIES=DIR`, see docs/operating.md, "Recording histories"): `current` at the newest
 * change to workflow code, and older ones recorded before each `patched()` marker, so the
 * unpatched branch of every patch is replayed too.
 */

const HISTORIES = path.join(__dirname, 'histories');
const repoRoot = path.resolve(__dirname, '..', '..');

interface Manifest {
  source: string;
  histories: RecordedHistory[];
}

interface Recorded extends RecordedHistory {
  set: string;
  source: string;
}

const sets = readdirSync(HISTORIES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(HISTORIES, d.name, 'manifest.json')))
  .map((d) => d.name)
  .sort();

const recorded: Recorded[] = sets.flatMap((set) => {
  const manifest = JSON.parse(readFileSync(path.join(HISTORIES, set, 'manifest.json'), 'utf8')) as Manifest;
  return manifest.histories.map((h) => ({ ...h, set, source: manifest.source }));
});

/** A history as the CLI wrote it: the replay worker converts that JSON form itself. */
const load = (h: Recorded): HistoryAndWorkflowId => ({
  workflowId: `${h.set}/${h.file}`,
  history: JSON.parse(
    readFileSync(path.join(HISTORIES, h.set, h.file), 'utf8'),
  ) as HistoryAndWorkflowId['history'],
});

async function replay(bundle: WorkflowBundleWithSourceMap, histories: Recorded[]) {
  const failures: Array<{ history: string; error: string }> = [];
  // A run recorded before its first workflow task completed holds no decision to check, and the
  // replayer would wait on it until the test timed out (one such run cost a CI run 15 minutes).
  const loaded = histories
    .map(load)
    .filter((h) => decided((h.history as { events?: ShownEvent[] }).events ?? []));
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'replay-test', dataConverter: testDataConverter() },
    loaded,
  )) {
    if (result.error)
      failures.push({ history: result.workflowId, error: `${result.error.name}: ${result.error.message}` });
  }
  return failures;
}

/**
 * Each `patched()` marker, the workflow type it guards, and a step that shows a run recorded
 * before it reached the guarded code (old-branch steps such as `provision` or `checkTransfer`, or
 * regular activities the patch turned into local ones).
 */
const PATCHES: Record<string, { type: string; through: string; with?: string }> = {
  'order-privacy-at-registrar': { type: 'orderWorkflow', through: 'recordRegistrarResult' },
  'dns-provision-imports-registrar-zone': { type: 'dnsZoneWorkflow', through: 'applyDnsChange' },
  'order-local-bookkeeping': { type: 'orderWorkflow', through: 'openOrder' },
  'dns-provision-import-pushes-nothing': {
    type: 'dnsZoneWorkflow',
    through: 'readRegistrarDns',
    with: 'dns-provision-imports-registrar-zone',
  },
  'expiry-scan-windows': { type: 'expiryRemindersWorkflow', through: 'scanExpiringPage' },
  'register-lag-window': { type: 'orderWorkflow', through: 'provision' },
  'transfer-states': { type: 'orderWorkflow', through: 'checkTransfer' },
  'registrar-task-queue': { type: 'orderWorkflow', through: 'provision' },
  'hosted-dns-addon': { type: 'dnsZoneWorkflow', through: 'applyDnsChange' },
  'dns-refused-edit-undone': {
    type: 'dnsZoneWorkflow',
    through: 'publishHostedZone',
    with: 'hosted-dns-addon',
  },
  // Also in domainOperationWorkflow (after applyDomainOperation).
  'registrar-follow-up': { type: 'orderWorkflow', through: 'completeOrder' },
  'transfer-cancel': { type: 'orderWorkflow', through: 'pollTransfer', with: 'transfer-states' },
  // The flag is a local activity (not in a path): a run that reached the transfer loop.
  'transfer-flagged-waits': { type: 'orderWorkflow', through: 'pollTransfer', with: 'transfer-states' },
  'review-capture-follow-up': { type: 'billingReviewWorkflow', through: 'completeOrder' },
  'dnssec-unsign-after-ds-ttl': {
    type: 'dnsZoneWorkflow',
    through: 'removeDsAtRegistrar',
    with: 'hosted-dns-addon',
  },
  'reconcile-first-look-after-lag': { type: 'domainReconcileWorkflow', through: 'reconcileDomain' },
  'dnssec-keys-served-before-ds': {
    type: 'dnsZoneWorkflow',
    through: 'sendDsToRegistrar',
    with: 'hosted-dns-addon',
  },
};

/** Every `patched('…')` in the workflow code, and the order's `since(input, '…')` (a patch for runs before steps 2). */
function patchesInSource(): string[] {
  const dir = path.join(repoRoot, 'workflows');
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(
      /(?:patched\(|since\([\w.]+, )'([^']+)'\)/g,
    ))
      ids.add(m[1]!);
  }
  return [...ids].sort();
}

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installRuntime(silentLog);
  bundle = await workflowBundle();
});

describe('recorded histories replay against the current workflow code', () => {
  it('has a recent history of every workflow type the worker runs', () => {
    const current = recorded.filter((h) => h.set === sets[sets.length - 1]);
    const types = new Set(current.map((h) => h.workflowType));
    for (const type of Object.keys(workflows)) expect(types, type).toContain(type);
  });

  it('has, for every patch, a history recorded before it that reaches the code it guards', () => {
    expect(Object.keys(PATCHES).sort()).toEqual(patchesInSource());
    for (const [id, need] of Object.entries(PATCHES)) {
      const before = recorded.filter(
        (h) =>
          h.workflowType === need.type &&
          !h.patches.includes(id) &&
          (!need.with || h.patches.includes(need.with)) &&
          h.path.includes(need.through),
      );
      expect(
        before.map((h) => `${h.set}/${h.file}`),
        id,
      ).not.toEqual([]);
    }
  });

  it(`replays all ${recorded.length} of them without a non-determinism`, { timeout: 300_000 }, async () => {
    expect(recorded.length).toBeGreaterThan(20);
    expect(await replay(bundle, recorded)).toEqual([]);
  });

  it('fails on a deliberate reordering of two activity calls', { timeout: 120_000 }, async () => {
    // A copy of the workflow code whose capture review posts the funds before reading the registrar.
    const copy = path.join(repoRoot, 'coverage', 'replay-reordered', 'workflows');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(path.dirname(copy), { recursive: true });
    cpSync(path.join(repoRoot, 'workflows'), copy, { recursive: true });
    // The one module of src/ the workflows use (their bundle-safe vocabulary), where they look for it.
    mkdirSync(path.join(copy, '..', 'src'), { recursive: true });
    cpSync(path.join(repoRoot, 'src', 'vocabulary.ts'), path.join(copy, '..', 'src', 'vocabulary.ts'));
    const file = path.join(copy, 'reviews.ts');
    const source = readFileSync(file, 'utf8');
    const inOrder =
      /( *)await steps\.refreshRegistrarResult\(input\.orderId\);\n( *)const completed = await steps\.completeOrder\(input\.orderId\);/;
    expect(source).toMatch(inOrder);
    writeFileSync(
      file,
      source.replace(
        inOrder,
        '$1const completed = await steps.completeOrder(input.orderId);\n$2await steps.refreshRegistrarResult(input.orderId);',
      ),
    );
    const reordered = await bundleWorkflowCode({
      ...workflowCode,
      workflowsPath: path.join(copy, 'index.ts'),
      logger: temporalLogger(silentLog),
    });

    const captures = recorded.filter(
      (h) => h.workflowType === 'billingReviewWorkflow' && h.path.includes('refreshRegistrarResult'),
    );
    expect(captures).not.toEqual([]);
    expect(await replay(bundle, captures)).toEqual([]);
    const failures = await replay(reordered, captures);
    expect(failures).toHaveLength(captures.length);
    for (const f of failures) expect(f.error).toMatch(/^DeterminismViolationError: .*[Nn]ondeterminism/);
  });
});
