import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReseller, testDb } from './helpers';
import { runCli } from './cli-helpers';
import { topUp } from './order-helpers';

let db: Knex;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.destroy();
});

describe('the CLI with --json', () => {
  it(
    'prints one JSON document for every command that takes --json, so a plain parse of the output works',
    { timeout: 180_000 },
    async () => {
      const r = await makeReseller(db);
      await topUp(db, r.id, 5_000n);
      const commands = [
        ['wallet:statement', '--reseller', String(r.id)],
        ['reseller:list'],
        ['reseller:show', '--reseller', String(r.id)],
        ['credential:list', '--reseller', String(r.id)],
        ['rates:list'],
        ['catalog:list'],
        ['catalog:premium-list'],
        ['tier:list'],
        ['report:margin'],
        ['api-logs:list'],
        ['audit:list'],
        ['review:list'],
        ['bulk:list'],
      ];
      const results = await Promise.all(
        commands.map(async (args) => ({ args, out: await runCli([...args, '--json']) })),
      );
      for (const { args, out } of results) {
        expect(out.code, `${args.join(' ')}: ${out.stderr}`).toBe(0);
        expect(() => JSON.parse(out.stdout) as unknown, args.join(' ')).not.toThrow();
      }
      const statement = JSON.parse(results[0]!.out.stdout) as Record<string, unknown>;
      expect(statement).toMatchObject({
        currency: 'USD',
        closing: '50.00',
        complete: true,
        pending_holds: [],
      });
      expect(statement['entries']).toHaveLength(1);
    },
  );
});
