import type { Knex } from 'knex';
import { DEMO_CATALOG, upsertPrices } from './services/catalog';
import { creditWallet } from './services/ledger';

/** Demo data for `npm run dev`: the catalog and a funded demo wallet (credited once). */
export async function seedDemoData(db: Knex, resellerId: number, currency: string): Promise<void> {
  await upsertPrices(db, DEMO_CATALOG);
  await creditWallet(db, {
    resellerId,
    currency,
    amount: currency === 'USD' ? 100_000n : 100_000_000n,
    kind: 'topup',
    reference: `dev-seed:${resellerId}`,
    description: 'demo funds',
  });
}
