import { createActivities } from '../../activities';
import { buildActivityDeps } from '../../src/activity-deps';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker';
import { installRuntime, temporalLogger } from '../../src/temporal/runtime';
import { missingSearchAttributes } from '../../src/temporal/search-attributes';
import type { pingWorkflow } from '../../workflows';
import {
  DEFAULT_TASK_QUEUES,
  OrderStatusAttr,
  pingWorkflowId,
  ResellerIdAttr,
} from '../../workflows/contracts';
import { silentLog, testConfig, testDataConverter, testDb } from '../helpers';
import { poolNamespace } from '../pool';

let db: Knex;
let bundle: WorkflowBundleWithSourceMap;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  installRuntime(silentLog);
  db = testDb();
  bundle = await bundleWorkflows(temporalLogger(silentLog));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: poolNamespace(), dataConverter: testDataConverter() });
});

afterAll(async () => {
  await connection.close();
  await db.destroy();
});

describe('the real Temporal dev server', () => {
  it('has the custom search attributes registered', async () => {
    expect(await missingSearchAttributes(connection, poolNamespace())).toEqual([]);
  });

  it('runs a workflow through a worker whose activity reaches Postgres, findable by search attribute', async () => {
    const workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await createWorker({
      connection: workerConnection,
      namespace: poolNamespace(),
      activities: createActivities(
        buildActivityDeps(testConfig({ DYNADOT_API_URL: 'http://127.0.0.1:1/api3.json' }), db, silentLog),
      ),
      workflowBundle: bundle,
      dataConverter: testDataConverter(),
      taskQueue: DEFAULT_TASK_QUEUES.default,
    });
    const nonce = randomUUID();
    const resellerTag = `e2e-${nonce}`;
    try {
      const result = await worker.runUntil(
        client.workflow.execute<typeof pingWorkflow>('pingWorkflow', {
          taskQueue: DEFAULT_TASK_QUEUES.default,
          workflowId: pingWorkflowId(nonce),
          args: [{ message: 'hello' }],
          typedSearchAttributes: [
            { key: ResellerIdAttr, value: resellerTag },
            { key: OrderStatusAttr, value: 'diagnostic' },
          ],
        }),
      );
      expect(result.message).toBe('hello');
      expect(result.workflowId).toBe(`ping:${nonce}`);
      const { rows } = await db.raw<{ rows: Array<{ now: Date }> }>('SELECT now() AS now');
      const drift = Math.abs(new Date(result.databaseTime).getTime() - new Date(rows[0]!.now).getTime());
      expect(drift).toBeLessThan(60_000);

      const described = await client.workflow.getHandle(`ping:${nonce}`).describe();
      expect(described.status.name).toBe('COMPLETED');
      expect(described.typedSearchAttributes.get(ResellerIdAttr)).toBe(resellerTag);

      // Visibility is eventually consistent: poll briefly for the list query operators would use.
      let found: string[] = [];
      for (let i = 0; i < 40 && found.length === 0; i += 1) {
        found = [];
        for await (const wf of client.workflow.list({ query: `ResellerId = "${resellerTag}"` })) {
          found.push(wf.workflowId);
        }
        if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      expect(found).toEqual([`ping:${nonce}`]);
    } finally {
      await workerConnection.close();
    }
  });
});
