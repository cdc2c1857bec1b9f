import { expect } from 'vitest';
import type { Knex } from 'knex';
import { creditWallet } from '../src/services/ledger';
import { getBalance } from '../src/services/wallet';
import { queueBacklogs } from '../src/temporal/queue-stats';
import { DEFAULT_TASK_QUEUES, type TaskQueueKind } from '../workflows/contracts';
import type { OrderHarness } from './harness';
import { request } from './helpers';

/* Money, names and waiting, as the order tests use them. */

export async function topUp(
  db: Knex,
  resellerId: number,
  amountMinor: bigint,
  currency = 'USD',
): Promise<void> {
  await creditWallet(db, {
    resellerId,
    currency,
    amount: amountMinor,
    kind: 'topup',
    reference: `test-topup:${resellerId}:${Date.now()}:${Math.random()}`,
  });
}

export async function balanceOf(db: Knex, resellerId: number, currency = 'USD') {
  return getBalance(db, resellerId, currency);
}

export const SEED_CONTACT = {
  name: 'Domain Owner',
  organization: 'Owner Company',
  address1: '123 Registry Road',
  city: 'Dar es Salaam',
  state: 'Dar es Salaam',
  postcode: '11101',
  country: 'TZ',
  phone: '+255.754123456',
  email: 'owner@example.co.tz',
};

/** A registrant whose every field is personal data, for the tests that look for it where it must not be. */
export const PRIVATE_CONTACT = {
  name: 'Siti Rahayu Kusumawati',
  organization: 'Toko Kusuma',
  address1: 'Jl. Merdeka 17',
  city: 'Bandung',
  state: 'Jawa Barat',
  postcode: '40111',
  country: 'ID',
  phone: '+62.81234567890',
  email: 'siti.kusumawati@example.co.id',
};

let counter = 0;
/** A domain name no other test uses. */
export function uniqueName(prefix = 'test', tld = 'com'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}.${tld}`;
}

/**
 * While `fn` runs, the local capture of the orders of `domains` fails every time (a constraint the
 * data breaks), after the registrar succeeded: those orders end billing_failed.
 */
export async function withRefusedCapture<T>(
  db: Knex,
  domains: string | string[],
  fn: () => Promise<T>,
): Promise<T> {
  const name = `test_refuse_${Math.random().toString(36).slice(2, 10)}`;
  await db.raw(`CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger AS $$
    BEGIN
      IF NEW.status = 'completed' AND NEW.domain_name = ANY(TG_ARGV) THEN
        RAISE EXCEPTION 'test: the ledger refused this capture' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  const args = (Array.isArray(domains) ? domains : [domains]).map((d) => `'${d.replace(/'/g, "''")}'`);
  await db.raw(
    `CREATE TRIGGER ${name} BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION ${name}(${args.join(', ')})`,
  );
  try {
    return await fn();
  } finally {
    await db.raw(`DROP TRIGGER IF EXISTS ${name} ON orders`);
    await db.raw(`DROP FUNCTION IF EXISTS ${name}()`);
  }
}

/** Polls until `check` is truthy (or fails after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A wallet registration through `POST /api/v1/domains/register`, awaited until its order
 * completed; `status` is what the request answered (201 when it completed within the wait).
 */
export async function completedRegistration(
  h: Pick<OrderHarness, 'api' | 'db'>,
  apiKey: string,
  prefix: string,
  registrant: Record<string, string> = SEED_CONTACT,
  /** How the poll reads the order (a test that cuts connections passes one that rides out a cut). */
  read: <T>(query: () => Promise<T>) => Promise<T | null> = (query) => query(),
): Promise<{ domain: string; workflowId: string; status: number }> {
  const domain = uniqueName(prefix);
  const res = await request(h.api.url, '/api/v1/domains/register', {
    apiKey,
    key: `${prefix}-${domain}`,
    body: { domain_name: domain, registrant },
  });
  expect([201, 202]).toContain(res.status);
  const order = (await eventually(
    () =>
      read(
        async () =>
          (await h.db('orders').where({ domainName: domain, status: 'completed' }).first()) as unknown,
      ),
    30_000,
  )) as { workflowId: string };
  return { domain, workflowId: order.workflowId, status: res.status };
}

/** How many of a reseller's orders have completed. */
export async function completedOrders(db: Knex, resellerId: number): Promise<number> {
  const row = (await db('orders').where({ resellerId, status: 'completed' }).count('* as n').first()) as {
    n: string;
  };
  return Number(row.n);
}

/**
 * Waits until the worker processes `pids` poll every queue of the kinds given (spawned workers
 * take a while to start on a loaded machine; a test about what they do waits for them first).
 */
export async function untilPolling(
  h: Pick<OrderHarness, 'temporal'>,
  pids: ReadonlyArray<number | undefined>,
  kinds: readonly TaskQueueKind[] = ['provisioning'],
  timeoutMs = 120_000,
): Promise<void> {
  await eventually(async () => {
    const queues = await queueBacklogs(
      h.temporal.connection,
      h.temporal.options.namespace,
      DEFAULT_TASK_QUEUES,
    );
    return queues
      .filter((q) => kinds.includes(q.kind))
      .every((q) => pids.every((pid) => q.identities.some((id) => id.startsWith(`${pid}@`))));
  }, timeoutMs);
}
