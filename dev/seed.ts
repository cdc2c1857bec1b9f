import type { Knex } from 'knex';
import { DEMO_CATALOG, upsertPrices } from '../src/services/catalog';
import { setRate } from '../src/services/exchange-rates';
import { creditWallet } from '../src/services/ledger';

/** Demo rates from the registrar's USD, set when none is (operators set real ones with rates:set). */
const DEMO_RATES = { IDR: '16250', TZS: '2650' } as const;

/** Demo data for `npm run dev`: the catalog, demo exchange rates, and a funded demo wallet (credited once). */
export async function seedDemoData(db: Knex, resellerId: number, currency: string): Promise<void> {
  await upsertPrices(db, DEMO_CATALOG);
  for (const [to, rate] of Object.entries(DEMO_RATES)) {
    const set = (await db('exchange_rates')
      .where({ fromCurrency: 'USD', toCurrency: to })
      .first('id')) as unknown;
    if (!set) await setRate(db, 'system', { from: 'USD', to, rate });
  }
  await creditWallet(db, {
    resellerId,
    currency,
    amount: currency === 'USD' ? 100_000n : 100_000_000n,
    kind: 'topup',
    reference: `dev-seed:${resellerId}`,
    description: 'demo funds',
  });
}
