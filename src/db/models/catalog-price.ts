import type { OrderAction } from '../../vocabulary';

/** A row of `catalog_prices`: the per-year price of one TLD and action in one currency. */
export interface CatalogPriceRow {
  id: number;
  tld: string;
  action: OrderAction;
  currency: string;
  priceMinor: string;
  active: boolean;
  minYears: number;
  maxYears: number;
  /** Imported from the registrar: its one-year cost, in the registrar account's currency. */
  costMinor: string | null;
  costCurrency: string | null;
  createdAt: Date;
  updatedAt: Date;
}
