import type { VNode } from 'preact';
import { formatMinor } from '../../money';
import type { listPrices, PriceChange } from '../../services/catalog-admin';
import type { AppError } from '../../services/errors';
import type { listRates } from '../../services/exchange-rates';
import { formatMarkup, type listTiers } from '../../services/markup-tiers';
import type { OrderAction } from '../../../workflows/contracts';
import { CurrencySelect, Csrf, Errors, Field, Table } from '../components';

/* The catalog page's markup; catalog.tsx loads prices, tiers and rates and handles the forms. */

const ACTIONS: OrderAction[] = ['register', 'renew', 'transfer'];

/** A registrar import previewed before it is applied. */
export type CatalogPreview = {
  changes: PriceChange[];
  missing: string[];
  margin: string;
  currency: string;
  tlds: string;
};

function Changes(props: { changes: PriceChange[] }) {
  const shown = props.changes.filter((c) => c.change !== 'unchanged');
  return (
    <Table
      caption="What would change"
      head={['Change', 'TLD', 'Action', 'Currency', 'Before', 'After']}
      rows={shown.map((c) => [c.change, c.tld, c.action, c.currency, c.before?.price ?? '—', c.after.price])}
      empty="Nothing would change."
    />
  );
}

/** Exchange rates, the registrar import (with its previewed diff), one price's form, the prices, the markup tiers. */
export function CatalogPage(props: {
  data: {
    prices: Awaited<ReturnType<typeof listPrices>>;
    tiers: Awaited<ReturnType<typeof listTiers>>;
    rates: Awaited<ReturnType<typeof listRates>>;
  };
  extra: { error?: AppError; preview?: CatalogPreview };
  registrarCurrency: string;
  maxRateAgeHours: number;
  csrf: string | undefined;
}): VNode {
  const { prices, tiers, rates } = props.data;
  const { extra, registrarCurrency, maxRateAgeHours, csrf } = props;
  return (
    <>
      <Errors message={extra.error?.message} errors={extra.error?.errors} />
      <section aria-labelledby="rates-h">
        <h2 id="rates-h">Exchange rates</h2>
        <p>
          The registrar account is billed in {registrarCurrency}. Its costs are converted at these rates
          (units of a reseller currency for one {registrarCurrency}) for the registrar import and premium
          names; a missing rate, or one older than {maxRateAgeHours} hours, refuses them.
        </p>
        <Table
          caption="Exchange rates"
          head={['From', 'To', 'Rate', 'Set by', 'Set at']}
          rows={rates.map((r) => [
            r.from,
            r.to,
            r.rate,
            r.setBy,
            r.setAt.toISOString().slice(0, 16).replace('T', ' '),
          ])}
          empty="No rates: only prices in the registrar's own currency can be imported."
        />
        <form method="post" action="/console/catalog/rates">
          <Csrf token={csrf} />
          <CurrencySelect id="r-currency" />
          <Field name="rate" label={`Rate (per 1 ${registrarCurrency})`} required placeholder="16250" />
          <button type="submit">Save rate</button>
        </form>
      </section>
      <section aria-labelledby="import-h">
        <h2 id="import-h">Import from the registrar</h2>
        {extra.preview ? (
          <>
            <Changes changes={extra.preview.changes} />
            {extra.preview.missing.length > 0 && (
              <p>Not listed by the registrar: {extra.preview.missing.join(', ')}</p>
            )}
            <form method="post" action="/console/catalog/import-registrar">
              <Csrf token={csrf} />
              <input type="hidden" name="margin" value={extra.preview.margin} />
              <input type="hidden" name="currency" value={extra.preview.currency} />
              <input type="hidden" name="tlds" value={extra.preview.tlds} />
              <input type="hidden" name="apply" value="1" />
              <button type="submit">Apply these prices</button> <a href="/console/catalog">Cancel</a>
            </form>
          </>
        ) : (
          <form method="post" action="/console/catalog/import-registrar">
            <Csrf token={csrf} />
            <Field name="margin" label="Margin on the registrar's price" value="20%" required />
            <CurrencySelect id="i-currency" />
            <Field name="tlds" label="TLDs (comma-separated; empty: all the registrar lists)" />
            <button type="submit">Preview the import</button>
          </form>
        )}
      </section>
      <section aria-labelledby="set-h">
        <h2 id="set-h">Set a price</h2>
        <form method="post" action="/console/catalog/prices">
          <Csrf token={csrf} />
          <Field name="tld" label="TLD" required placeholder="com" />
          <label for="p-action">
            Action
            <select id="p-action" name="action">
              {ACTIONS.map((a) => (
                <option value={a} key={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <CurrencySelect id="p-currency" />
          <Field name="price" label="Price per year" required placeholder="12.99" />
          <label for="p-active">
            <input type="checkbox" id="p-active" name="active" value="1" checked /> Sold
          </label>
          <button type="submit">Save price</button>
        </form>
      </section>
      <Table
        caption="Prices per year, before reseller markup"
        head={['TLD', 'Action', 'Currency', 'Price', 'Registrar cost', 'Sold', 'Years']}
        rows={prices.map((p) => [
          p.tld,
          p.action,
          p.currency.trim(),
          formatMinor(BigInt(p.priceMinor), p.currency.trim()),
          p.costMinor !== null && p.costCurrency
            ? `${formatMinor(BigInt(p.costMinor), p.costCurrency.trim())} ${p.costCurrency.trim()}`
            : '—',
          p.active ? 'yes' : 'no',
          `${p.minYears}–${p.maxYears}`,
        ])}
        empty="No prices: every check, register and renew is refused until some are set."
      />
      <section aria-labelledby="tiers-h">
        <h2 id="tiers-h">Markup tiers</h2>
        <Table
          caption="Markup tiers"
          head={['Tier', 'Markup', 'Resellers']}
          rows={tiers.map((t) => [t.name, formatMarkup(t.markupBps), String(t.resellers)])}
          empty="No tiers."
        />
        <form method="post" action="/console/catalog/tiers">
          <Csrf token={csrf} />
          <Field name="name" label="Tier name" required />
          <Field name="markup" label="Markup (such as 15%)" required />
          <button type="submit">Save tier</button>
        </form>
      </section>
    </>
  );
}
