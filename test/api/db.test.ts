import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, dropDatabase, ensureDatabase } from '../../src/db/knex';
import { migrateLatest, migrateRollback, pendingMigrations } from '../../src/db/migrate';
import { checkLedger } from '../../src/services/ledger-check';
import { getBalance } from '../../src/services/wallet';
import { makeReseller, testDb } from '../helpers';
import { poolDatabaseUrl } from '../pool';

let db: Knex;

beforeAll(() => {
  db = testDb();
});

afterAll(async () => {
  await db.destroy();
});

describe('migrations', () => {
  it('apply on an empty database, roll back cleanly and apply again', async () => {
    const url = new URL(poolDatabaseUrl());
    url.pathname = `${url.pathname}_mig`;
    await ensureDatabase(url.toString());
    const fresh = createKnex(url.toString(), { max: 1 });
    try {
      expect((await pendingMigrations(fresh)).length).toBeGreaterThan(0);
      expect(await migrateLatest(fresh)).toContain('20261122000000_create_core_tables');
      expect(await pendingMigrations(fresh)).toEqual([]);
      await migrateRollback(fresh);
      const { rows } = await fresh.raw<{ rows: unknown[] }>(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'resellers'",
      );
      expect(rows).toHaveLength(0);
      await migrateLatest(fresh);
      expect(await pendingMigrations(fresh)).toEqual([]);
    } finally {
      await fresh.destroy();
      await dropDatabase(url.toString());
    }
  });
});

describe('ledger', () => {
  it('is append-only: amounts are immutable, rows undeletable, only pending entries change status', async () => {
    const r = await makeReseller(db);
    const insert = async (row: Record<string, unknown>): Promise<string> => {
      const rows = await db('ledger_entries').insert(row).returning<Array<{ id: string }>>('id');
      return rows[0]!.id;
    };
    const creditId = await insert({
      resellerId: r.id,
      kind: 'topup',
      status: 'posted',
      amountMinor: 10_000,
      currency: 'USD',
    });
    const holdId = await insert({
      resellerId: r.id,
      kind: 'hold',
      status: 'pending',
      amountMinor: -2_500,
      currency: 'USD',
    });

    expect(await getBalance(db, r.id, 'USD')).toEqual({
      currency: 'USD',
      posted: 10_000n,
      held: -2_500n,
      available: 7_500n,
    });

    await expect(db('ledger_entries').where({ id: creditId }).update({ amountMinor: 1 })).rejects.toThrow(
      /immutable/,
    );
    await expect(db('ledger_entries').where({ id: creditId }).del()).rejects.toThrow(/append-only/);
    await expect(db('ledger_entries').where({ id: creditId }).update({ status: 'voided' })).rejects.toThrow(
      /cannot go from posted to voided/,
    );

    await db('ledger_entries').where({ id: holdId }).update({ status: 'posted', postedAt: new Date() });
    expect(await getBalance(db, r.id, 'USD')).toMatchObject({ posted: 7_500n, held: 0n, available: 7_500n });
    await expect(db('ledger_entries').where({ id: holdId }).update({ status: 'pending' })).rejects.toThrow(
      /cannot go from posted to pending/,
    );
  });

  it('keeps references unique so one external payment can be credited only once', async () => {
    const r = await makeReseller(db);
    const entry = {
      resellerId: r.id,
      kind: 'topup',
      status: 'posted',
      amountMinor: 500,
      currency: 'USD',
      reference: `topup:${r.id}:1`,
    };
    await db('ledger_entries').insert(entry);
    await expect(db('ledger_entries').insert(entry)).rejects.toThrow(/unique/);
    expect((await getBalance(db, r.id, 'USD')).posted).toBe(500n);
  });
});

describe('ledger invariant checker (doctor --ledger)', () => {
  it('finds negative balances, orphan holds and completed orders without exactly one debit', async () => {
    const url = new URL(poolDatabaseUrl());
    url.pathname = `${url.pathname}_ledger`;
    await ensureDatabase(url.toString());
    const fresh = createKnex(url.toString(), { max: 1 });
    try {
      await migrateLatest(fresh);
      const r = await makeReseller(fresh);
      expect(await checkLedger(fresh)).toEqual([]);
      const [order] = (await fresh('orders')
        .insert({
          publicId: 'ord_check',
          resellerId: r.id,
          action: 'register',
          domainName: 'check.com',
          status: 'completed',
          paymentMethod: 'wallet',
          amountMinor: 100,
          currency: 'USD',
          workflowId: 'order:check',
        })
        .returning('id')) as Array<{ id: number }>;
      await fresh('ledger_entries').insert({
        resellerId: r.id,
        kind: 'hold',
        status: 'pending',
        amountMinor: -100,
        currency: 'USD',
        orderId: order!.id,
      });
      const findings = await checkLedger(fresh);
      expect(findings.map((f) => f.check).sort()).toEqual([
        'completed order debits',
        'negative balance',
        'orphan hold',
      ]);
      // Each finding names what it found (the raw rows' columns read as camelCase).
      expect(findings.map((f) => f.detail).join('\n')).not.toContain('undefined');
      expect(findings.find((f) => f.check === 'negative balance')?.detail).toBe(
        `reseller ${r.id} USD: available -100`,
      );
      expect(findings.find((f) => f.check === 'orphan hold')?.detail).toMatch(
        new RegExp(`^ledger entry \\d+ \\(order ${order!.id}, completed\\)$`),
      );
    } finally {
      await fresh.destroy();
      await dropDatabase(url.toString());
    }
  });
});
