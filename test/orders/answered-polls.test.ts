import { describe, expect, it } from 'vitest';
import { call, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

// Orders answer 202 after 300 ms; the registrar takes 1.5 s per call.
const h = useOrderHarness({ apiEnv: { ORDER_ACCEPT_WAIT_MS: '300' } });

/** The API's open Temporal calls by method, as its /metrics shows them. */
async function openTemporalCalls(): Promise<Record<string, number>> {
  const text = await (await fetch(`${h.api.url}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^temporal_client_calls_in_flight\{method="(\w+)"\} (\d+)$/gm)].map((m) => [
      m[1]!,
      Number(m[2]),
    ]),
  );
}

const post = (apiKey: string, path: string, body: Record<string, unknown>) =>
  call(`${h.api.url}${path}`, {
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('an answered request leaves nothing polling Temporal', () => {
  it('cancels the wait for a registration and a transfer once they answer 202', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const registered = uniqueName('poll');
    const transferred = uniqueName('taken');
    h.sim.setFaults({ latencyMs: 1_500 });
    try {
      const reg = await post(r.apiKey, '/api/v1/domains/register', {
        domain_name: registered,
        period: 1,
        registrant: SEED_CONTACT,
      });
      expect(reg.status).toBe(202);
      const transfer = await post(r.apiKey, `/api/v1/domains/${transferred}/transfer`, {
        auth_code: 'EPP-POLL',
      });
      expect(transfer.status).toBe(202);
      // Both workflows are still running (the registrar is slow), and the API waits on neither.
      expect(
        await h.db('orders').whereIn('domainName', [registered, transferred]).pluck('status'),
      ).not.toContain('completed');
      expect((await openTemporalCalls())['GetWorkflowExecutionHistory'] ?? 0).toBe(0);
    } finally {
      h.sim.setFaults({ latencyMs: 0 });
    }
    for (const domain of [registered, transferred])
      await eventually(
        async () =>
          (await h.db('orders').where({ domainName: domain, status: 'completed' }).first()) as unknown,
        30_000,
      );
    expect(h.sim.count('register', registered)).toBe(1);
    expect(h.sim.count('transfer', transferred)).toBe(1);
  });
});
