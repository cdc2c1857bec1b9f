import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { presentInvoice } from '../../views/orders';
import type { AppError } from '../../services/errors';
import { walletStatement, walletStatementCsv } from '../../services/statements';
import { startTopup } from '../../services/topups';
import { attempt, field, type PortalContext, type PortalState, signedInReseller } from '../http';
import { resellerPage } from './page';
import { WalletPage } from './wallet.view';

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
    const text = (k: string) => (typeof ctx.query[k] === 'string' ? ctx.query[k] : '');
    const filter = { from: text('from'), until: text('until') };
    resellerPage(
      ctx,
      'Wallet',
      '/portal/wallet',
      <WalletPage
        statement={res}
        filter={filter}
        currency={reseller.currency.trim()}
        extra={extra}
        topupKey={randomUUID()}
        csrf={ctx.state.page?.csrfToken}
      />,
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
