import type { VNode } from 'preact';
import type { AppError } from '../../services/errors';
import type { Statement } from '../../services/statements';
import { presentStatement } from '../../views/account';
import type { presentInvoice } from '../../views/orders';
import { Csrf, Errors, Field, Money, Next, Table, when } from '../components';

/* The wallet page's markup; wallet.tsx loads the statement and handles the top-up. */

/** A top-up just issued, the period's statement with its holds and CSV link, and the top-up form. */
export function WalletPage(props: {
  statement: { ok: Statement } | { error: AppError };
  filter: { from: string; until: string };
  currency: string;
  extra: { topup?: ReturnType<typeof presentInvoice>; error?: AppError; amount?: string };
  /** The form's idempotency key: a double submit makes one invoice. */
  topupKey: string;
  csrf: string | undefined;
}): VNode {
  const { statement, filter, currency, extra, topupKey, csrf } = props;
  const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
  return (
    <>
      {extra.topup && (
        <article aria-labelledby="topup-h">
          <h2 id="topup-h">Top-up invoice {extra.topup.id}</h2>
          <p>
            <Money value={extra.topup.amount} /> — pay before {when(extra.topup.expires_at)}.{' '}
            {extra.topup.payment_url ? (
              <a href={extra.topup.payment_url}>Pay at {extra.topup.gateway ?? 'the gateway'}</a>
            ) : (
              'No gateway takes this currency: it can be paid by bank transfer to the operator.'
            )}
          </p>
          <p>The wallet is credited once, when the gateway confirms the payment.</p>
        </article>
      )}
      <form method="get" action="/portal/wallet" class="filters">
        <label for="w-from">
          From
          <input id="w-from" name="from" type="date" value={filter.from} />
        </label>
        <label for="w-until">
          Until
          <input id="w-until" name="until" type="date" value={filter.until} />
        </label>
        <button type="submit">Show</button>
      </form>
      {'error' in statement ? (
        <Errors message={statement.error.message} errors={statement.error.errors} />
      ) : (
        (() => {
          const s = presentStatement(statement.ok);
          return (
            <>
              <dl class="figures">
                <dt>Opening balance</dt>
                <dd data-figure="opening">
                  <Money value={s.opening_balance} />
                </dd>
                <dt>Closing balance</dt>
                <dd data-figure="closing">
                  <Money value={s.closing_balance} />
                </dd>
              </dl>
              <Table
                caption="Statement"
                head={['Posted', 'Kind', 'Description', 'Order', 'Amount', 'Balance']}
                rows={s.transactions.map((t) => [
                  when(t.posted_at),
                  t.kind,
                  t.description ?? '',
                  t.order_id ?? '',
                  <Money value={t.amount} />,
                  <Money value={t.balance_after} />,
                ])}
                empty="No entries in this period."
              />
              <Next
                href={
                  s.pagination.next_cursor
                    ? `/portal/wallet?${q.toString()}&cursor=${s.pagination.next_cursor}`
                    : null
                }
              />
              <h2>Held for orders in progress</h2>
              <Table
                caption="Pending holds"
                head={['Since', 'Order', 'Amount']}
                rows={s.holds.map((h) => [when(h.created_at), h.order_id ?? '', <Money value={h.amount} />])}
                empty="Nothing is held."
              />
              <p>
                <a href={`/portal/wallet.csv?${q.toString()}`} download="wallet-statement.csv">
                  Download the statement (CSV)
                </a>
              </p>
            </>
          );
        })()
      )}
      <section aria-labelledby="topup-form-h">
        <h2 id="topup-form-h">Top up</h2>
        <Errors message={extra.error?.message} errors={extra.error?.errors} shown={['amount']} />
        <form method="post" action="/portal/wallet/topup">
          <Csrf token={csrf} />
          <input type="hidden" name="topup_key" value={topupKey} />
          <Field
            name="amount"
            label={`Amount (${currency})`}
            value={extra.amount}
            errors={extra.error?.errors}
            required
          />
          <button type="submit">Create top-up invoice</button>
        </form>
      </section>
    </>
  );
}
