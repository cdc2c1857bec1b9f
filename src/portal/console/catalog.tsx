import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { amountField } from '../../services/amounts';
import { importRegistrarPrices, listPrices, setPrices } from '../../services/catalog-admin';
import type { AppError } from '../../services/errors';
import { listRates, setRate } from '../../services/exchange-rates';
import { formatMarkup, listTiers, parseMarkup, setTier } from '../../services/markup-tiers';
import type { OrderAction } from '../../../workflows/contracts';
import { attempt, field, type PortalContext, type PortalState, redirectWithFlash } from '../http';
import { CatalogPage, type CatalogPreview } from './catalog.view';
import { actorOf, consolePage } from './page';

/** Prices (edit one, import from the registrar with a previewed diff) and markup tiers. */
export function addConsoleCatalog(router: Router<PortalState>, deps: AppDeps): void {
  const page = async (
    ctx: PortalContext,
    extra: {
      error?: AppError;
      preview?: CatalogPreview;
    } = {},
  ) => {
    const [prices, tiers, rates] = await Promise.all([
      listPrices(deps.db),
      listTiers(deps.db),
      listRates(deps.db),
    ]);
    consolePage(
      ctx,
      'Catalog',
      '/console/catalog',
      <CatalogPage
        data={{ prices, tiers, rates }}
        extra={extra}
        registrarCurrency={deps.config.REGISTRAR_CURRENCY}
        maxRateAgeHours={deps.config.EXCHANGE_RATE_MAX_AGE_HOURS}
        csrf={ctx.state.page?.csrfToken}
      />,
      extra.error ? 422 : 200,
    );
  };

  router.get('/console/catalog', (ctx) => page(ctx));

  router.post('/console/catalog/prices', async (ctx) => {
    const currency = field(ctx, 'currency').toUpperCase();
    const res = await attempt(() =>
      setPrices(
        deps.db,
        actorOf(ctx),
        [
          {
            tld: field(ctx, 'tld'),
            action: field(ctx, 'action') as OrderAction,
            currency,
            priceMinor: amountField(field(ctx, 'price'), currency, 'price'),
            active: field(ctx, 'active') === '1',
          },
        ],
        { source: 'console' },
      ),
    );
    if ('error' in res) return page(ctx, { error: res.error });
    await redirectWithFlash(deps, ctx, '/console/catalog', `Price ${res.ok[0]?.change ?? 'saved'}.`);
  });

  router.post('/console/catalog/import-registrar', async (ctx) => {
    const margin = field(ctx, 'margin');
    const currency = field(ctx, 'currency');
    const tlds = field(ctx, 'tlds');
    const apply = field(ctx, 'apply') === '1';
    const res = await attempt(() =>
      importRegistrarPrices(deps, actorOf(ctx), {
        marginBps: parseMarkup(margin, 'margin'),
        currency,
        tlds: tlds.split(/[\s,]+/).filter(Boolean),
        dryRun: !apply,
      }),
    );
    if ('error' in res) return page(ctx, { error: res.error });
    if (!apply) return page(ctx, { preview: { ...res.ok, margin, currency, tlds } });
    await redirectWithFlash(
      deps,
      ctx,
      '/console/catalog',
      `Imported: ${res.ok.changes.filter((c) => c.change !== 'unchanged').length} prices changed.`,
    );
  });

  router.post('/console/catalog/rates', async (ctx) => {
    const res = await attempt(() =>
      setRate(deps.db, actorOf(ctx), {
        from: deps.config.REGISTRAR_CURRENCY,
        to: field(ctx, 'currency'),
        rate: field(ctx, 'rate'),
      }),
    );
    if ('error' in res) return page(ctx, { error: res.error });
    await redirectWithFlash(deps, ctx, '/console/catalog', `1 ${res.ok.from} = ${res.ok.rate} ${res.ok.to}.`);
  });

  router.post('/console/catalog/tiers', async (ctx) => {
    const res = await attempt(() =>
      setTier(deps.db, actorOf(ctx), field(ctx, 'name').trim(), parseMarkup(field(ctx, 'markup'))),
    );
    if ('error' in res) return page(ctx, { error: res.error });
    await redirectWithFlash(
      deps,
      ctx,
      '/console/catalog',
      `Tier ${res.ok.name} is ${formatMarkup(res.ok.markupBps)}.`,
    );
  });
}
