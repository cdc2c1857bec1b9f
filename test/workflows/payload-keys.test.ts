import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { decode } from '@temporalio/common/lib/encoding';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { dataConverter } from '../../src/temporal/data-converter';
import { parsePayloadKeys, type PayloadKeyring } from '../../src/temporal/payload-keys';
import type { orderWorkflow } from '../../workflows';
import { workflowBundle } from '../harness';
import { poolNamespace } from '../pool';
import { PRIVATE_CONTACT } from '../order-helpers';
import { mockActivities, mockedWorker, orderInput, useMockedTemporal } from './mocked';

/*
 * Key rotation as an operator does it: orders placed under key 1; key 2 added as the newest with
 * key 1 kept (every client and worker given both); then key 1 removed. What was written under
 * each key is read and replayed while its key is held, and fails loudly, naming the key, once it
 * is not: never a payload silently read as something else.
 */

const t = useMockedTemporal();

const keyring = (spec: string): PayloadKeyring => {
  const keys = parsePayloadKeys(spec);
  if ('error' in keys) throw new Error(keys.error);
  return keys;
};
const k1 = `k1=${randomBytes(32).toString('base64')}`;
const k2 = `k2=${randomBytes(32).toString('base64')}`;

const registrant = PRIVATE_CONTACT;

/** An order run to its end by a worker and a client that both hold `converter`'s keys. */
async function placeOrder(converter: DataConverter): Promise<string> {
  const { worker, taskQueue } = await mockedWorker(t, mockActivities(), { dataConverter: converter });
  const client = new Client({
    connection: t.client.connection,
    namespace: poolNamespace(),
    dataConverter: converter,
  });
  const workflowId = `unit-rotation-${randomUUID()}`;
  const result = await worker.runUntil(
    client.workflow.execute<typeof orderWorkflow>('orderWorkflow', {
      taskQueue,
      workflowId,
      args: [orderInput({ stepsVersion: 2, contacts: { registrant, admin: registrant } })],
    }),
  );
  expect(result.status).toBe('completed');
  return workflowId;
}

async function replay(converter: DataConverter, workflowIds: string[]) {
  const histories = await Promise.all(
    workflowIds.map(async (workflowId) => ({
      workflowId,
      history: await t.client.workflow.getHandle(workflowId).fetchHistory(),
    })),
  );
  const outcome: Record<string, string> = {};
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), dataConverter: converter, replayName: 'rotation' },
    histories,
  ))
    outcome[r.workflowId] = r.error ? `${r.error.name}: ${r.error.message}` : 'replayed';
  return outcome;
}

const inputKey = async (workflowId: string): Promise<string> => {
  const history = await t.client.workflow.getHandle(workflowId).fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return decode(input!.metadata!['encryption-key-id']!);
};

describe('payload key rotation', () => {
  it('key 1, then key 2 newest beside it: all read and replay; key 1 removed: its orders fail loudly by name', async () => {
    const underK1 = await placeOrder(dataConverter(keyring(k1)));
    const both = dataConverter(keyring(`${k2},${k1}`));
    const underK2 = await placeOrder(both);
    expect(await inputKey(underK1)).toBe('k1');
    expect(await inputKey(underK2)).toBe('k2');

    // Both keys held: each order's input and result read back, and every history replays.
    const reader = new Client({
      connection: t.client.connection,
      namespace: poolNamespace(),
      dataConverter: both,
    });
    for (const id of [underK1, underK2]) {
      const { status } = await reader.workflow.getHandle<typeof orderWorkflow>(id).result();
      expect(status).toBe('completed');
    }
    expect(await replay(both, [underK1, underK2])).toEqual({ [underK1]: 'replayed', [underK2]: 'replayed' });

    // Key 1 removed: what key 2 wrote still replays; what key 1 wrote fails, and says why.
    const onlyK2 = dataConverter(keyring(k2));
    const outcome = await replay(onlyK2, [underK1, underK2]);
    expect(outcome[underK2]).toBe('replayed');
    // (The replay error quotes the workflow task's failure, escaped.)
    expect(outcome[underK1]).toMatch(
      /^ReplayError: .*PayloadKeyError: a payload is encrypted with key \\"k1\\", which is not in this process's PAYLOAD_KEYS \(k2\)/,
    );
    const stranger = new Client({
      connection: t.client.connection,
      namespace: poolNamespace(),
      dataConverter: onlyK2,
    });
    await expect(stranger.workflow.getHandle(underK1).result()).rejects.toThrow(/key "k1"/);
  });
});
