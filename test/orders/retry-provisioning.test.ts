import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/secrets';
import { placeHold } from '../../src/services/ledger';
import { retryProvisioning } from '../../src/services/retry-provisioning';
import { call, makeReseller, testConfig } from '../helpers';
import { runCli } from '../cli-helpers';
import { TEST_SECRETS_KEY, useOrderHarness } from '../harness';
import { balanceOf, eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';

const h = useOrderHarness({ apiEnv: { TRANSFER_POLL_SECONDS: '1' } });
const config = testConfig({ TRANSFER_POLL_SECONDS: '1' });

const headers = (apiKey: string) => ({ 'X-API-KEY': apiKey, 'Content-Type': 'application/json' });

async function register(apiKey: string, domain: string) {
  return call(`${h.api.url}/api/v1/domains/register`, {
    method: 'POST',
    headers: headers(apiKey),
    body: JSON.stringify({ domain_name: domain, registrant: SEED_CONTACT }),
  });
}

async function orderOf(domain: string) {
  return (await h.db('orders').where({ domainName: domain }).first()) as {
    id: number;
    publicId: string;
    status: string;
    failureCode: string | null;
    attempt: number;
    updatedAt: Date;
  };
}

async function waitFor(domain: string, status: string) {
  await eventually(async () => (await orderOf(domain)).status === status, 30_000);
}

describe('domains:retry-provisioning', () => {
  it('resumes only what a retry can fix, lists it first with --dry-run, and bills each once', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 20_000n);

    // Refusals a retry cannot fix: the registrar rejected it; the wallet could not pay.
    const rejected = uniqueName('rejected');
    h.sim.failNextCall('reject', 'register');
    expect((await register(r.apiKey, rejected)).status).toBe(422);
    const broke = await makeReseller(h.db);
    const unfunded = uniqueName('unfunded');
    expect((await register(broke.apiKey, unfunded)).status).toBe(422);
    expect((await orderOf(unfunded)).failureCode).toBe('insufficient_balance');

    // The registrar was unreachable through every retry (the state failOrder leaves for it).
    const outage = uniqueName('outage');
    h.sim.failNextCall('reject', 'register');
    await register(r.apiKey, outage);
    await h.db('orders').where({ domainName: outage }).update({ failureCode: 'registrar_failed' });

    // A transfer in the same state, which keeps its sealed auth code to be resumed with.
    const transfer = uniqueName('taken');
    h.sim.failNextCall('reject', 'transfer');
    await call(`${h.api.url}/api/v1/domains/${transfer}/transfer`, {
      method: 'POST',
      headers: headers(r.apiKey),
      body: JSON.stringify({ auth_code: 'EPP-RESUME-1' }),
    });
    await waitFor(transfer, 'failed');
    await h
      .db('orders')
      .where({ domainName: transfer })
      .update({
        failureCode: 'registrar_failed',
        authCode: new SecretBox(TEST_SECRETS_KEY).seal('EPP-RESUME-1'),
      });

    // Abandoned: processing, its funds held, and no workflow left to finish it.
    const abandoned = uniqueName('abandoned');
    const [row] = (await h
      .db('orders')
      .insert({
        publicId: `ord_abandoned${Date.now()}`,
        resellerId: r.id,
        action: 'register',
        domainName: abandoned,
        years: 1,
        status: 'processing',
        paymentMethod: 'wallet',
        amountMinor: 1299,
        currency: 'USD',
        workflowId: `order:${r.id}:gone-${abandoned}`,
        request: { contacts: null, nameservers: [] },
      })
      .returning('id')) as Array<{ id: number }>;
    await placeHold(h.db, {
      resellerId: r.id,
      currency: 'USD',
      amount: 1299n,
      reference: `order:${row!.id}:hold`,
      orderId: row!.id,
    });
    const before = await balanceOf(h.db, r.id);

    // --older-than: everything above changed just now.
    const recent = await retryProvisioning(h.db, h.temporal, config, {
      statuses: ['failed', 'processing'],
      limit: 50,
      resellerId: r.id,
      olderThanMs: 3_600_000,
    });
    expect(recent).toEqual({ considered: 0, resumed: [], skipped: [] });

    // --dry-run: lists the three, with why, and changes nothing.
    const dry = await runCli([
      'domains:retry-provisioning',
      '--status=failed,processing',
      '--limit=50',
      `--reseller=${r.id}`,
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    const ids = {
      outage: (await orderOf(outage)).publicId,
      transfer: (await orderOf(transfer)).publicId,
      abandoned: (await orderOf(abandoned)).publicId,
    };
    expect(dry.stdout).toContain(
      `${ids.outage} (register ${outage}) would be resumed: the registrar was unavailable`,
    );
    expect(dry.stdout).toContain(
      `${ids.transfer} (transfer ${transfer}) would be resumed: the registrar was unavailable`,
    );
    expect(dry.stdout).toContain(
      `${ids.abandoned} (register ${abandoned}) would be resumed: processing with no running workflow`,
    );
    expect(dry.stdout).not.toContain(rejected);
    expect(dry.stdout).toContain('considered 3, would resume 3, skipped 0');
    expect(await orderOf(abandoned)).toMatchObject({ status: 'processing', attempt: 1 });
    expect(await balanceOf(h.db, r.id)).toEqual(before);

    const brokeRun = await retryProvisioning(h.db, h.temporal, config, {
      statuses: ['failed', 'processing'],
      limit: 50,
      resellerId: broke.id,
    });
    expect(brokeRun.considered).toBe(0);

    const run = await retryProvisioning(h.db, h.temporal, config, {
      statuses: ['failed', 'processing'],
      limit: 50,
      resellerId: r.id,
    });
    expect(run.resumed.map((c) => c.domain).sort()).toEqual([abandoned, outage, transfer].sort());
    for (const domain of [outage, transfer, abandoned]) await waitFor(domain, 'completed');
    expect(h.sim.count('register', outage)).toBe(1);
    expect(h.sim.count('register', abandoned)).toBe(1);
    expect(h.sim.count('register', rejected)).toBe(0);
    expect(h.sim.count('transfer', transfer)).toBe(1);
    expect((await h.registrar.info(transfer))?.domain).toBe(transfer);
    // Charged once each: 2 registrations and 1 transfer; the abandoned hold was released first.
    expect(await balanceOf(h.db, r.id)).toEqual({
      currency: 'USD',
      posted: 20_000n - 2n * 1_299n - 1_170n,
      held: 0n,
      available: 20_000n - 2n * 1_299n - 1_170n,
    });
    expect(await orderOf(rejected)).toMatchObject({ status: 'failed', failureCode: 'registrar_rejected' });
    expect(await orderOf(unfunded)).toMatchObject({ status: 'failed', failureCode: 'insufficient_balance' });
    // A completed transfer drops its auth code.
    expect(await h.db('orders').where({ domainName: transfer }).first('authCode')).toEqual({
      authCode: null,
    });

    // Nothing is left to resume.
    const again = await retryProvisioning(h.db, h.temporal, config, {
      statuses: ['failed', 'processing'],
      limit: 50,
      resellerId: r.id,
    });
    expect(again.considered).toBe(0);
  });

  it('refuses bad arguments', async () => {
    const bad = await runCli(['domains:retry-provisioning', '--older-than=soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--older-than takes a duration such as 30m, 2h or 1d, not soon');
  });
});
