import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import { formatMinor, isSupportedCurrency } from '../money';
import type { OrderAction } from '../../workflows/contracts';
import { amountField } from './amounts';
import { checkPrice, listPrices, type PriceFilter, type PriceInput } from './catalog-admin';
import { validationFailed } from './errors';

/* The catalog as CSV: exported as the operator edits it, and read back as prices to set. */

const CSV_COLUMNS = ['tld', 'action', 'currency', 'price', 'active', 'min_years', 'max_years'] as const;

/** The catalog as CSV: one row per TLD, action and currency, prices as decimals. */
export async function exportPricesCsv(db: Knex, filter: PriceFilter = {}): Promise<string> {
  const rows = await listPrices(db, filter);
  return stringify(
    rows.map((r) => {
      const currency = r.currency.trim();
      return [
        r.tld,
        r.action,
        currency,
        formatMinor(BigInt(r.priceMinor), currency),
        r.active,
        r.minYears,
        r.maxYears,
      ];
    }),
    { header: true, columns: [...CSV_COLUMNS], cast: { boolean: (v) => String(v) } },
  );
}

/**
 * Prices from CSV text (the export's columns; `active`, `min_years`, `max_years` optional). Every
 * bad row is named by its line in one 422.
 */
export function parsePricesCsv(text: string): PriceInput[] {
  let records: Array<Record<string, string>>;
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (err) {
    throw validationFailed({ csv: [`Not readable as CSV: ${(err as Error).message}`] });
  }
  if (records.length === 0)
    throw validationFailed({ csv: ['No rows: expected a header and at least one price.'] });
  if (records.length > 10_000) throw validationFailed({ csv: ['At most 10,000 rows at a time.'] });
  const missing = ['tld', 'action', 'currency', 'price'].filter((c) => !(c in records[0]!));
  if (missing.length > 0) throw validationFailed({ csv: [`Missing columns: ${missing.join(', ')}.`] });
  const errors: Record<string, string[]> = {};
  const prices: PriceInput[] = [];
  records.forEach((r, i) => {
    const line = `line ${i + 2}`;
    try {
      const currency = (r['currency'] ?? '').toUpperCase();
      const flag = (r['active'] ?? '').toLowerCase();
      if (!['', 'true', 'false', '1', '0', 'yes', 'no'].includes(flag))
        throw validationFailed({ [line]: ['active must be true or false.'] });
      const years = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
      prices.push(
        checkPrice(
          {
            tld: r['tld'] ?? '',
            action: (r['action'] ?? '') as OrderAction,
            currency,
            priceMinor: isSupportedCurrency(currency) ? amountField(r['price'] ?? '', currency, line) : 0n,
            active: flag === '' ? true : ['true', '1', 'yes'].includes(flag),
            minYears: years(r['min_years']),
            maxYears: years(r['max_years']),
          },
          line,
        ),
      );
    } catch (err) {
      const fields = (err as { errors?: Record<string, string[]> }).errors;
      if (!fields) throw err;
      for (const [k, v] of Object.entries(fields)) (errors[k] ??= []).push(...v);
    }
  });
  if (Object.keys(errors).length > 0) throw validationFailed(errors, 'Some rows could not be read.');
  return prices;
}
