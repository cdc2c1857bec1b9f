/**
 * A pending transfer can be cancelled by its reseller (API) or an operator (admin API, CLI): the
 * registrar's cancel_transfer is called once, the held funds are released, and the order's
 * workflow ends. A transfer flagged past its deadline stops polling until someone acts.
 */
import { describe, expect, it } from 'vitest';
import type { OrderRow } from '../../src/db/models';
import { runCli } from '../cli-helpers';
import { call, makeAdmin, makeReseller } from '../helpers';
import { useOrderHarness } from '../harness';
import { balanceOf, eventually, topUp, uniqueName } from '../order-helpers';

// Transfers are flagged 1.8 s after they are submitted (TRANSFER_DEADLINE_HOURS), polled every 1 s.
const h = useOrderHarness({ apiEnv: { TRANSFER_DEADLINE_HOURS: '0.0005' } });

const post = (path: string, body: unknown, headers: Record<string, string>) =>
  call(`${h.api.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const orderOf = async (domain: string) =>
  (await h.db('orders').where({ domainName: domain }).first()) as OrderRow;

async function pendingTransfer(apiKey: string, domain: string): Promise<string> {
  const res = await post(
    `/api/v1/domains/${domain}/transfer`,
    { auth_code: 'CODE-1' },
    { 'X-API-KEY': apiKey },
  );
  expect([201, 202]).toContain(res.status);
  const id = (res.body as { data: { order: { id: string } } }).data.order.id;
  await eventually(() => h.sim.transfers.get(domain)?.[0]?.status === 'waiting', 30_000);
  return id;
}

const workflowStatus = async (domain: string) =>
  (await h.temporal.workflow.getHandle((await orderOf(domain)).workflowId).describe()).status.name;

describe('cancelling a pending transfer', () => {
  it("the reseller's cancel: one cancel_transfer, the hold released, the order failed and its run ended", async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('transferstuck');
    const id = await pendingTransfer(r.apiKey, domain);
    expect((await balanceOf(h.db, r.id)).available).toBeLessThan(10_000n);

    const other = await makeReseller(h.db);
    expect((await post(`/api/v1/orders/${id}/cancel`, {}, { 'X-API-KEY': other.apiKey })).status).toBe(404);

    const res = await post(`/api/v1/orders/${id}/cancel`, {}, { 'X-API-KEY': r.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await eventually(async () => (await orderOf(domain)).status === 'failed', 30_000);
    const order = await orderOf(domain);
    expect(order.failureCode).toBe('transfer_cancelled');
    expect(h.sim.count('cancel_transfer', domain)).toBe(1);
    expect(h.sim.transfers.get(domain)![0]!.status).toBe('cancelled');
    expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 10_000n, available: 10_000n });
    await eventually(async () => (await workflowStatus(domain)) === 'COMPLETED', 10_000);
    const failed = await h.db('events').where({ resellerId: r.id, type: 'domain.order.failed' });
    expect(failed).toHaveLength(1);
    const audit = await h.db('auditEvents').where({ subjectId: order.publicId, type: 'transfer_cancelled' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ data: { by: `reseller:${r.id}` } });

    const again = await post(`/api/v1/orders/${id}/cancel`, {}, { 'X-API-KEY': r.apiKey });
    expect(again.status).toBe(422);
    expect(again.body['code']).toBe('transfer_not_in_progress');
    expect(h.sim.count('cancel_transfer', domain)).toBe(1);
  });

  it('a flagged transfer stops polling; the operator cancels it (CLI, admin API) and its funds are released', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 20_000n);
    const admin = await makeAdmin(h.db);
    const viaCli = uniqueName('transferstuck');
    const viaApi = uniqueName('transferstuck');
    const cliOrder = await pendingTransfer(r.apiKey, viaCli);
    const apiOrder = await pendingTransfer(r.apiKey, viaApi);
    for (const domain of [viaCli, viaApi])
      await eventually(
        async () =>
          (
            await h
              .db('auditEvents')
              .where({ subjectId: (await orderOf(domain)).publicId, type: 'transfer_stuck' })
          ).length === 1,
        30_000,
      );
    // Flagged: no more polls while nobody acts (the workflow waits for a signal, not a timer).
    const polls = (d: string) => h.sim.transfers.get(d)![0]!.polls;
    const before = [polls(viaCli), polls(viaApi)];
    await new Promise((res) => setTimeout(res, 3_000));
    expect([polls(viaCli), polls(viaApi)]).toEqual(before);
    expect(await workflowStatus(viaCli)).toBe('RUNNING');

    const cli = await runCli([
      'transfer:cancel',
      '--order',
      cliOrder,
      '--reason',
      'stuck at the losing registrar',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`cancelling the transfer of ${viaCli}`);
    const refused = await post(
      `/api/admin/v1/orders/${apiOrder}/cancel-transfer`,
      {},
      { Authorization: `Bearer ${admin.token}` },
    );
    expect(refused.status).toBe(422);
    const viaAdmin = await post(
      `/api/admin/v1/orders/${apiOrder}/cancel-transfer`,
      { reason: 'the reseller asked by phone' },
      { Authorization: `Bearer ${admin.token}` },
    );
    expect(viaAdmin.status, JSON.stringify(viaAdmin.body)).toBe(202);

    for (const domain of [viaCli, viaApi]) {
      await eventually(async () => (await orderOf(domain)).status === 'failed', 30_000);
      expect((await orderOf(domain)).failureCode).toBe('transfer_cancelled');
      expect(h.sim.count('cancel_transfer', domain)).toBe(1);
    }
    expect(await balanceOf(h.db, r.id)).toMatchObject({ posted: 20_000n, available: 20_000n });
    const audit = (await h
      .db('auditEvents')
      .where({ type: 'transfer_cancelled' })
      .whereIn('subjectId', [(await orderOf(viaApi)).publicId])) as Array<{ data: Record<string, unknown> }>;
    expect(audit[0]!.data).toMatchObject({ by: `admin:${admin.id}`, reason: 'the reseller asked by phone' });
  });
});
