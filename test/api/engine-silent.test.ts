import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalCallsInFlight } from '../../src/temporal/client';
import { call, makeReseller, request, startTestApi, type TestApi } from '../helpers';
import { GATEWAY_KEYS, TEST_SECRETS_KEY, useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { placeInvoiceOrder } from '../scenarios';

const h = useOrderHarness();

/**
 * A second API whose Temporal address takes connections and never answers (an engine that hangs,
 * or a network that drops its packets), beside the harness's API whose engine answers.
 */
const held: Socket[] = [];
let silent: Server;
let api: TestApi;
beforeAll(async () => {
  silent = createServer((s) => held.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  api = await startTestApi(h.db, {
    SECRETS_KEY: TEST_SECRETS_KEY,
    ...GATEWAY_KEYS,
    TEMPORAL_ADDRESS: `127.0.0.1:${(silent.address() as AddressInfo).port}`,
    WORKFLOW_ANSWER_TIMEOUT_MS: '1000',
    PAYMENT_CALLBACK_ANSWER_MS: '1000',
  });
});
afterAll(async () => {
  await api.close();
  for (const s of held) s.destroy();
  silent.close();
});

const openCalls = (method: string) => temporalCallsInFlight().get(method) ?? 0;

describe('requests while the workflow engine does not answer', () => {
  it('an order answers 503 workflow_unavailable with Retry-After in WORKFLOW_ANSWER_TIMEOUT_MS, and leaves no call to Temporal behind', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 1_000_000n);
    const domain = uniqueName('engine-silent');
    const sent = Date.now();
    const res = await request(api.url, '/api/v1/domains/register', {
      apiKey: r.apiKey,
      key: `k-${domain}`,
      body: { domain_name: domain, registrant: SEED_CONTACT },
    });
    const tookMs = Date.now() - sent;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'workflow_unavailable' });
    expect(res.headers.get('retry-after')).toBe('5');
    expect(tookMs).toBeGreaterThanOrEqual(1_000);
    expect(tookMs).toBeLessThan(3_000);
    // The update-with-start carried the same deadline: it is not left retrying (and cannot start
    // the order after the client was told 503).
    await eventually(() => openCalls('ExecuteMultiOperation') === 0, 2_000);

    // The client resends to an API whose engine answers: one order, registered once.
    const again = await request(h.api.url, '/api/v1/domains/register', {
      apiKey: r.apiKey,
      key: `k-${domain}`,
      body: { domain_name: domain, registrant: SEED_CONTACT },
    });
    expect([201, 202]).toContain(again.status);
    await eventually(
      async () =>
        (await h.db('orders').where({ domainName: domain, status: 'completed' }).first()) as unknown,
    );
    expect(h.sim.count('register', domain)).toBe(1);
  });

  /**
   * A gateway that waits too long for an answer drops the callback: Midtrans after 15 s, Xendit
   * after 30 s and then never sends it again (shared/reference, payments §1.4, §2.3). So a callback
   * whose payment cannot be handed to the workflow engine answers 503 within
   * PAYMENT_CALLBACK_ANSWER_MS, and the gateway's resend is processed once the engine answers.
   */
  it('a gateway callback answers 503 try_again with Retry-After in PAYMENT_CALLBACK_ANSWER_MS; the resend pays the order once', async () => {
    const r = await makeReseller(h.db);
    const domain = uniqueName('cb-silent');
    const { orderId, attemptRef } = await placeInvoiceOrder(h, r.token, domain, 'xendit');
    const verdicts = () =>
      h.db('payment_callbacks').where({ gateway: 'xendit', attemptRef }).orderBy('id').pluck('verdict');

    const cb = h.gw.callbackFor(attemptRef);
    const sent = Date.now();
    const refused = await call(`${api.url}${cb.path}`, {
      method: 'POST',
      headers: cb.headers,
      body: cb.body,
    });
    const tookMs = Date.now() - sent;
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'try_again' });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(tookMs).toBeGreaterThanOrEqual(1_000);
    expect(tookMs).toBeLessThan(3_000);
    expect(await verdicts()).toEqual(['signal_failed']);
    await eventually(() => openCalls('SignalWorkflowExecution') === 0, 2_000);

    // The gateway sends it again, to an API whose engine answers: paid and registered once.
    expect(await h.gw.pay(attemptRef)).toEqual([200]);
    await eventually(
      async () =>
        ((await h.db('orders').where({ publicId: orderId }).first('status')) as { status: string }).status ===
        'completed',
    );
    expect(h.sim.count('register', domain)).toBe(1);
    expect(await verdicts()).toEqual(['signal_failed', 'accepted']);
  });
});
