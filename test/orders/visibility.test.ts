import { describe, expect, it } from 'vitest';
import { call, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

const h = useOrderHarness();

/**
 * What an operator types into the Temporal UI's search box finds the order: each custom search
 * attribute, on whichever engine the suite runs (the dev server's SQLite visibility, or
 * temporal-server's SQL visibility on Postgres under TEMPORAL_ENGINE=prod-local).
 */
describe('visibility (Temporal UI search)', () => {
  it('finds a completed order by DomainName, ResellerId, OrderId and OrderStatus', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('visible');
    const res = await call(`${h.api.url}/api/v1/domains/register`, {
      method: 'POST',
      headers: { 'X-API-KEY': r.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
    });
    expect(res.status).toBe(201);
    const orderId = (res.body as { data: { order: { id: string } } }).data.order.id;

    const ids = async (query: string): Promise<string[]> => {
      const found: string[] = [];
      for await (const wf of h.temporal.workflow.list({ query })) found.push(wf.workflowId);
      return found;
    };
    const queries = [
      `DomainName = '${domain}'`,
      `ResellerId = '${r.id}' AND WorkflowType = 'orderWorkflow'`,
      `OrderId = '${orderId}'`,
      `OrderStatus = 'completed' AND DomainName = '${domain}'`,
    ];
    // Visibility is eventually consistent: the closed run reaches the index shortly after.
    const answers = await eventually(async () => {
      const all = await Promise.all(queries.map(ids));
      return all.every((a) => a.length === 1) ? all : null;
    }, 30_000);
    const [byDomain] = answers;
    expect(new Set(answers.flat())).toEqual(new Set(byDomain));
    const described = await h.temporal.workflow.getHandle(byDomain![0]!).describe();
    expect(described.type).toBe('orderWorkflow');
    expect(described.status.name).toBe('COMPLETED');
    expect(await ids(`OrderStatus = 'failed' AND DomainName = '${domain}'`)).toEqual([]);
  });
});
