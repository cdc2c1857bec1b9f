import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import { presentStatement } from '../../views/account';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { presentInvoice } from '../../views/orders';
import type { AppError } from '../../services/errors';
import { walletStatement, walletStatementCsv } from '../../services/statements';
import { startTopup } from '../../services/topups';
import { Csrf, Errors, Field, Money, Next, Table, when } from '../components';
import { attempt, field, type PortalContext, type PortalState, signedInReseller } from '../http';
import { resellerPage } from './page';

const dateParam = (ctx: PortalContext, k: string) => {
  const v = ctx.query[k];
  if (typeof v !== 'string' || v === '') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** The wallet: statement for a period (CSV too) and a top-up through the payment gateway. */
export function addWallet(router: Router<PortalState>, deps: AppDeps): void {
  const walletPage = async (
    ctx: PortalContext,
    extra: { topup?: ReturnType<typeof presentInvoice>; error?: AppError; amount?: string } = {},
  ) => {
    const reseller = signedInReseller(ctx);
    const period = { from: dateParam(ctx, 'from'), until: dateParam(ctx, 'until') };
    const cursor = typeof ctx.query['cursor'] === 'string' ? ctx.query['cursor'] : undefined;
    const res = await attempt(() => walletStatement(deps.db, reseller.id, { ...period, cursor, limit: 50 }));
    const q = new URLSearchParams(
      Object.entries({ from: ctx.query['from'], until: ctx.query['until'] }).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
      ),
    );
    resellerPage(
      ctx,
      'Wallet',
      '/portal/wallet',
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
            <input
              id="w-from"
              name="from"
              type="date"
              value={typeof ctx.query['from'] === 'string' ? ctx.query['from'] : ''}
            />
          </label>
          <label for="w-until">
            Until
            <input
              id="w-until"
              name="until"
              type="date"
              value={typeof ctx.query['until'] === 'string' ? ctx.query['until'] : ''}
            />
          </label>
          <button type="submit">Show</button>
        </form>
        {'error' in res ? (
          <Errors message={res.error.message} errors={res.error.errors} />
        ) : (
          (() => {
            const s = presentStatement(res.ok);
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
                  rows={s.holds.map((h) => [
                    when(h.created_at),
                    h.order_id ?? '',
                    <Money value={h.amount} />,
                  ])}
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
            <Csrf token={ctx.state.page?.csrfToken} />
            <input type="hidden" name="topup_key" value={randomUUID()} />
            <Field
              name="amount"
              label={`Amount (${reseller.currency.trim()})`}
              value={extra.amount}
              errors={extra.error?.errors}
              required
            />
            <button type="submit">Create top-up invoice</button>
          </form>
        </section>
      </>,
      extra.error ? 422 : 200,
    );
  };

  router.get('/portal/wallet', (ctx) => walletPage(ctx));

  router.get('/portal/wallet.csv', async (ctx) => {
    const csv = await walletStatementCsv(deps.db, signedInReseller(ctx).id, {
      from: dateParam(ctx, 'from'),
      until: dateParam(ctx, 'until'),
    });
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="wallet-statement.csv"');
    ctx.body = csv;
  });

  router.post('/portal/wallet/topup', async (ctx) => {
    const amount = field(ctx, 'amount').trim();
    const key = field(ctx, 'topup_key');
    const res = await attempt(() =>
      startTopup(deps, signedInReseller(ctx), {
        amount,
        idempotencyKey: /^[0-9a-f-]{36}$/.test(key) ? key : randomUUID(),
      }),
    );
    if ('error' in res) await walletPage(ctx, { error: res.error, amount });
    else await walletPage(ctx, { topup: presentInvoice(res.ok) });
  });
}
