import { Router } from '@koa/router';
import { z } from 'zod';
import { answers, RATE_NEEDED } from '../http/answers';
import { presentChanges, PriceChangesJson, PriceJson, TierJson } from '../../views/admin';
import type { Context } from 'koa';
import { formatMinor } from '../../money';
import {
  deletePrice,
  importRegistrarPrices,
  listPrices,
  type PriceChange,
  type PriceInput,
  setPrices,
} from '../../services/catalog-admin';
import { exportPricesCsv, parsePricesCsv } from '../../services/catalog-csv';
import { amountField } from '../../services/amounts';
import { formatMarkup, listTiers, parseMarkup, setTier } from '../../services/markup-tiers';
import type { AppDeps, AppState } from '../http/context';
import { adminActor } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { input, validate } from '../http/validate';
import {
  deletePriceRequest,
  exportCsvRequest,
  importCsvRequest,
  importRegistrarRequest,
  listPricesRequest,
  setPricesRequest,
  tierRequest,
} from './catalog.schema';

/** A price diff as the answer: written, or only previewed. */
function answerChanges(
  ctx: Context,
  dryRun: boolean,
  changes: PriceChange[],
  done: string,
  extra: object = {},
) {
  respond(
    ctx,
    { dry_run: dryRun, ...presentChanges(changes), ...extra },
    dryRun ? 'Dry run: nothing written.' : done,
  );
}

/** Operators run the catalog: prices per TLD × action × currency, CSV, registrar import, markup tiers. */
export function createAdminCatalogRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const read = requireAbility('admin.read');
  const write = requireAbility('admin.write');
  const keyed = idempotency(deps.db, { required: false });

  router.get(
    '/catalog/prices',
    answers({ 200: z.object({ prices: z.array(PriceJson) }) }),
    read,
    validate(listPricesRequest),
    async (ctx) => {
      const { query } = input(ctx, listPricesRequest);
      const rows = await listPrices(deps.db, query);
      respond(ctx, {
        prices: rows.map((r) => {
          const currency = r.currency.trim();
          return {
            tld: r.tld,
            action: r.action,
            currency,
            price: formatMinor(BigInt(r.priceMinor), currency),
            price_minor: String(r.priceMinor),
            active: r.active,
            min_years: r.minYears,
            max_years: r.maxYears,
            updated_at: r.updatedAt.toISOString(),
          };
        }),
      });
    },
  );

  router.put(
    '/catalog/prices',
    answers({ 200: PriceChangesJson }),
    write,
    validate(setPricesRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, setPricesRequest);
      const prices: PriceInput[] = body.prices.map((p, i) => ({
        tld: p.tld,
        action: p.action,
        currency: p.currency.toUpperCase(),
        priceMinor: amountField(p.price, p.currency.toUpperCase(), `prices.${i}.price`),
        active: p.active,
        minYears: p.min_years,
        maxYears: p.max_years,
      }));
      const changes = await setPrices(deps.db, adminActor(ctx), prices, {
        dryRun: body.dry_run,
        source: 'admin API',
      });
      answerChanges(ctx, body.dry_run, changes, 'Prices set.');
    },
  );

  router.delete(
    '/catalog/prices/:tld/:action/:currency',
    answers({ 200: z.null() }, ['price_not_found']),
    write,
    validate(deletePriceRequest),
    async (ctx) => {
      await deletePrice(deps.db, adminActor(ctx), input(ctx, deletePriceRequest).params);
      respond(ctx, null, 'Price deleted.');
    },
  );

  router.post(
    '/catalog/import',
    answers({ 200: PriceChangesJson }),
    write,
    validate(importCsvRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, importCsvRequest);
      const changes = await setPrices(deps.db, adminActor(ctx), parsePricesCsv(body.csv), {
        dryRun: body.dry_run,
        source: 'CSV import',
      });
      answerChanges(ctx, body.dry_run, changes, 'Prices imported.');
    },
  );

  router.get('/catalog/export', answers({ 200: 'csv' }), read, validate(exportCsvRequest), async (ctx) => {
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="catalog.csv"');
    ctx.body = await exportPricesCsv(deps.db, input(ctx, exportCsvRequest).query);
  });

  router.post(
    '/catalog/import-registrar',
    answers({ 200: PriceChangesJson.extend({ not_listed: z.array(z.string()) }) }, [
      'registrar_unavailable',
      'registrar_rejected',
      'unsupported_capability',
      ...RATE_NEEDED,
    ]),
    write,
    validate(importRegistrarRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, importRegistrarRequest);
      const { changes, missing } = await importRegistrarPrices(deps, adminActor(ctx), {
        marginBps: parseMarkup(body.margin, 'margin'),
        currency: body.currency,
        tlds: body.tlds,
        dryRun: body.dry_run,
      });
      answerChanges(ctx, body.dry_run, changes, 'Prices imported from the registrar.', {
        not_listed: missing,
      });
    },
  );

  router.get('/markup-tiers', answers({ 200: z.object({ tiers: z.array(TierJson) }) }), read, async (ctx) => {
    const tiers = await listTiers(deps.db);
    respond(ctx, {
      tiers: tiers.map((t) => ({
        name: t.name,
        markup: formatMarkup(t.markupBps),
        markup_bps: t.markupBps,
        resellers: t.resellers,
      })),
    });
  });

  router.put(
    '/markup-tiers/:tier',
    answers({ 200: z.object({ tier: TierJson }) }),
    write,
    validate(tierRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, tierRequest);
      const tier = await setTier(deps.db, adminActor(ctx), params.tier, parseMarkup(body.markup));
      respond(
        ctx,
        { tier: { name: tier.name, markup: formatMarkup(tier.markupBps), markup_bps: tier.markupBps } },
        'Tier set.',
      );
    },
  );

  return router;
}
