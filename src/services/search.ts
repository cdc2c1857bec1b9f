import { DomainNameError, normaliseDomainName, splitRegistrable } from '../domain-name';
import { moneyJson } from '../money';
import { RegistrarError } from '../registrar/errors';
import type { Reseller } from '../db/models';
import { activeTlds, priceTable } from './catalog';
import type { CoreDeps } from './deps';
import { AppError, unavailable } from './errors';
import { premiumPrice } from './premium';

export interface SearchRow {
  domain_name: string;
  available: boolean | null;
  premium: boolean;
  prices: Record<string, ReturnType<typeof moneyJson>> | null;
  reason?: string;
}

/**
 * Availability (from the registrar, one bulk call) and catalog prices for up to 100 names.
 * Invalid or unsold names come back with a reason instead of failing the whole search.
 */
export async function searchDomains(
  deps: Pick<CoreDeps, 'db' | 'registrar' | 'config'>,
  reseller: Pick<Reseller, 'currency' | 'markupBps'>,
  names: readonly string[],
): Promise<SearchRow[]> {
  const currency = reseller.currency.trim();
  const [tlds, table] = await Promise.all([
    activeTlds(deps.db),
    priceTable(deps.db, currency, reseller.markupBps),
  ]);
  const rows: SearchRow[] = [];
  const lookups: Array<{ row: SearchRow; ascii: string }> = [];
  for (const raw of names) {
    try {
      const { ascii } = normaliseDomainName(raw);
      const { tld } = splitRegistrable(ascii, tlds);
      const prices: Record<string, ReturnType<typeof moneyJson>> = {};
      for (const [action, amount] of Object.entries(table.get(tld) ?? {}))
        prices[action] = moneyJson(amount, currency);
      const row: SearchRow = { domain_name: ascii, available: null, premium: false, prices };
      rows.push(row);
      lookups.push({ row, ascii });
    } catch (err) {
      if (!(err instanceof DomainNameError)) throw err;
      rows.push({ domain_name: raw, available: null, premium: false, prices: null, reason: err.message });
    }
  }
  if (lookups.length > 0) {
    let results;
    try {
      results = await deps.registrar.search(lookups.map((l) => l.ascii));
    } catch (err) {
      if (err instanceof RegistrarError) {
        throw unavailable(
          'registrar_unavailable',
          'Availability could not be checked right now; try again shortly.',
        );
      }
      throw err;
    }
    const taken = new Set(
      (
        await deps
          .db('domains')
          .whereIn(
            'name',
            lookups.map((l) => l.ascii),
          )
          .select('name')
      ).map((r: { name: string }) => r.name),
    );
    for (const [i, res] of results.entries()) {
      const { row, ascii } = lookups[i]!;
      row.available = res.available && !taken.has(row.domain_name);
      row.premium = res.premium;
      if (!res.premium || !row.available) continue;
      // A premium name is priced from the registrar's answer, never from the catalog.
      row.prices = null;
      if (!res.price) {
        row.reason = 'The registrar gave no price for this premium name.';
        continue;
      }
      try {
        const premium = await premiumPrice(deps, {
          tld: splitRegistrable(ascii, tlds).tld,
          years: 1,
          registrarPrice: res.price,
          registrarCurrency: deps.registrar.currency,
          reseller,
        });
        row.prices = { register: moneyJson(premium.amountMinor, currency) };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        row.reason = err.message;
      }
    }
  }
  return rows;
}
