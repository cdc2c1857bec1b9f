import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { Payload } from '@temporalio/common';
import { call, makeReseller, testConfig } from '../helpers';
import { payloadKeysOf } from '../../src/temporal/data-converter';
import { EncryptionCodec, isEncrypted } from '../../src/temporal/payload-codec';
import { TEST_SECRETS_KEY, useOrderHarness } from '../harness';
import { eventually, SEED_CONTACT, topUp, uniqueName } from '../order-helpers';
import { receiver } from '../receiver';
import { RunSummaryAttr } from '../../workflows/contracts';

/*
 * What an operator reads in the Temporal UI, read the way the UI reads it: the run's summary and
 * details (DescribeWorkflowExecution), its current details (the `__temporal_workflow_metadata`
 * query the UI sends) and each activity's summary in the history. And nowhere in any of it, nor
 * anywhere in the history's payloads, an auth code, an API key, a webhook secret or an endpoint
 * URL's query string, even decrypted.
 */

const h = useOrderHarness();

const post = (apiKey: string, path: string, body: unknown) =>
  call(`${h.api.url}${path}`, {
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

interface Shown {
  summary: string | undefined;
  /** The RunSummary search attribute: what the UI's workflow list shows as a column. */
  listed: string | undefined;
  details: string | undefined;
  current: string;
  /** Activity type → the summaries its scheduled steps carried. */
  steps: Array<{ activity: string; summary: string | undefined }>;
  /** Every payload in the history, decoded, and the user metadata: what a history export holds. */
  everything: string;
}

/** A user-metadata payload: JSON text (json/plain), as the UI decodes it. */
const decode = (p: { data?: Uint8Array | null } | null | undefined): string =>
  p?.data ? (JSON.parse(Buffer.from(p.data).toString('utf8')) as string) : '';

const codec = new EncryptionCodec(payloadKeysOf(testConfig()));

async function shown(temporal: Client, workflowId: string): Promise<Shown> {
  const handle = temporal.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const meta = await handle
    .query<{ currentDetails?: string }>('__temporal_workflow_metadata')
    .catch(() => ({ currentDetails: '' }));
  const history = await handle.fetchHistory();
  const steps = (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => ({
      activity: e.activityTaskScheduledEventAttributes!.activityType!.name!,
      summary: decode(e.userMetadata?.summary) || undefined,
    }));
  const payloads: string[] = [];
  // Payloads as the codec gives them back (what an operator with the codec reads), not as stored.
  const walk = (v: unknown): void => {
    if (v && typeof v === 'object' && 'metadata' in v && 'data' in v && isEncrypted(v as Payload))
      v = codec.decodeOne(v as Payload);
    if (v instanceof Uint8Array) payloads.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    else if (typeof v === 'string') payloads.push(v);
  };
  walk(history.events);
  return {
    summary: await description.staticSummary(),
    listed: description.typedSearchAttributes.get(RunSummaryAttr),
    details: await description.staticDetails(),
    current: meta.currentDetails ?? '',
    steps,
    everything: [payloads.join('\n'), meta.currentDetails ?? ''].join('\n'),
  };
}

const SECRET_CODE = 'EPP-SECRET-7Q2X';
const NEW_CODE = 'EPP-RESENT-9Z4K';

describe('runs an operator can read in the Temporal UI', () => {
  it('an order: what, which domain, whose, how much, paid how; each registrar step says what it did', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('readable');
    const res = await post(r.apiKey, '/api/v1/domains/register', {
      domain_name: domain,
      registrant: SEED_CONTACT,
      nameservers: ['ns1.readable.test', 'ns2.readable.test'],
    });
    expect(res.status).toBe(201);
    const order = (await h.db('orders').where({ domainName: domain }).first()) as {
      workflowId: string;
      amountMinor: string;
      publicId: string;
    };
    const run = await shown(h.temporal, order.workflowId);
    const amount = `${(Number(order.amountMinor) / 100).toFixed(2)} USD`;
    expect(run.summary).toBe(`Register ${domain} · 1 year · ${amount} by wallet · Test Reseller (#${r.id})`);
    expect(run.listed).toBe(run.summary);
    expect(run.details).toContain(`- **Order**: ${order.publicId}`);
    expect(run.details).toContain('- **Nameservers**: ns1.readable.test, ns2.readable.test');
    expect(run.current).toBe('Finished: completed.');
    const register = run.steps.find((s) => s.activity === 'registerDomain');
    expect(register?.summary).toBe(
      `Register ${domain} for 1 year at the registrar (sent once; a lost answer is settled, never re-sent blindly)`,
    );
    expect(run.steps.find((s) => s.activity === 'applyOrderNameservers')?.summary).toBe(
      `Set the nameservers of ${domain}: ns1.readable.test, ns2.readable.test`,
    );
    // Contacts are personal data: the details say nothing of them.
    expect(run.details).not.toContain(SEED_CONTACT.email);
  });

  it('a transfer waiting for a new auth code says so, and no auth code is anywhere in the run', async () => {
    const r = await makeReseller(h.db);
    await topUp(h.db, r.id, 10_000n);
    const domain = uniqueName('transferauth');
    const res = await post(r.apiKey, `/api/v1/domains/${domain}/transfer`, { auth_code: SECRET_CODE });
    expect([201, 202]).toContain(res.status);
    const { publicId, workflowId } = (await h.db('orders').where({ domainName: domain }).first()) as {
      publicId: string;
      workflowId: string;
    };
    const waiting = await eventually(async () => {
      const s = await shown(h.temporal, workflowId);
      return s.current.startsWith('Transfer: auth code needed') ? s : null;
    }, 30_000);
    expect(waiting.current).toMatch(
      /^Transfer: auth code needed: the reseller sends a new one .*Next check in \d+ s\./,
    );
    expect(waiting.summary).toMatch(new RegExp(`^Transfer in ${domain} · 1 year · [0-9.]+ USD by wallet`));
    expect(waiting.details).toContain('- **Auth code**: given (sealed, not shown)');

    expect(
      (await post(r.apiKey, `/api/v1/orders/${publicId}/auth-code`, { auth_code: NEW_CODE })).status,
    ).toBe(202);
    await eventually(
      async () =>
        ((await h.db('orders').where({ publicId }).first()) as { status: string }).status === 'completed',
      30_000,
    );
    const done = await shown(h.temporal, workflowId);
    expect(done.steps.map((s) => s.activity)).toContain('resubmitTransferAuthCode');
    for (const text of [done.summary ?? '', done.details ?? '', done.everything]) {
      expect(text).not.toContain(SECRET_CODE);
      expect(text).not.toContain(NEW_CODE);
      expect(text).not.toContain(r.apiKey);
      expect(text).not.toContain(TEST_SECRETS_KEY);
    }
  });

  it('a webhook delivery being retried names the event and host (never the query string) and when it retries', async () => {
    const rx = await receiver(() => 503);
    try {
      const r = await makeReseller(h.db);
      await topUp(h.db, r.id, 10_000n);
      const created = await call(`${h.api.url}/api/reseller/v1/webhooks`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: `${rx.url}?token=hook-token-5511`, events: ['domain.order.completed'] }),
      });
      expect(created.status).toBe(201);
      const secret = (created.body['data'] as { secret: string }).secret;
      const domain = uniqueName('hooked');
      expect(
        (await post(r.apiKey, '/api/v1/domains/register', { domain_name: domain, registrant: SEED_CONTACT }))
          .status,
      ).toBe(201);
      const workflowId = await eventually(async () => {
        const job = (await h
          .db('webhookJobs as j')
          .join('webhookEndpoints as w', 'w.id', 'j.endpointId')
          .where('w.resellerId', r.id)
          .first('j.id', 'j.run')) as { id: string; run: number } | undefined;
        return job ? `webhook:${job.id}:${job.run}` : null;
      }, 20_000);
      const retrying = await eventually(async () => {
        const s = await shown(h.temporal, workflowId).catch(() => null);
        return s?.current.startsWith('Attempt ') ? s : null;
      }, 20_000);
      expect(retrying.summary).toBe(
        `Webhook domain.order.completed → 127.0.0.1:${new URL(rx.url).port} · Test Reseller (#${r.id})`,
      );
      expect(retrying.listed).toBe(retrying.summary);
      expect(retrying.current).toMatch(
        /^Attempt \d+ not delivered: retry \d+ in \d+ s \(gives up after \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/,
      );
      expect(retrying.steps[0]?.summary).toMatch(/^Attempt 1: POST the signed event to endpoint #\d+$/);
      for (const text of [retrying.summary ?? '', retrying.details ?? '', retrying.everything]) {
        expect(text).not.toContain('hook-token-5511');
        expect(text).not.toContain(secret);
      }
      await h.temporal.workflow.getHandle(workflowId).terminate('test done');
    } finally {
      await rx.close();
    }
  });
});
