import { describe, expect, it } from 'vitest';
import { registerAndWait, resellerClient } from '../../clients/typescript/example';
import { staleFiles } from '../../scripts/generate';
import { useOrderHarness } from '../harness';
import { SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { makeReseller } from '../helpers';

const h = useOrderHarness();

describe('what is generated from the code', () => {
  it('is current: the client types from the OpenAPI document, the configuration reference and the workflow table of docs/design.md', async () => {
    expect(await staleFiles(), 'run npm run generate').toEqual([]);
  });

  it('gives a typed client that registers a domain and follows its order to the end', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 5_000n);
    const domain = uniqueName('client');
    const order = await registerAndWait(resellerClient(h.api.url, r.apiKey), domain, SEED_CONTACT, {
      pollMs: 200,
    });
    expect(order).toMatchObject({ action: 'register', domain_name: domain, status: 'completed' });
    expect(h.sim.count('register', domain)).toBe(1);
  });
});
