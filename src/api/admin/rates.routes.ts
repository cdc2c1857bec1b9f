import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import type { AppDeps, AppState } from '../http/context';
import { adminActor } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { input, validate } from '../http/validate';
import {
  type ExchangeRate,
  listPremiumPolicies,
  listRates,
  type PremiumPolicy,
  setPremiumPolicy,
  setRate,
} from '../../services/exchange-rates';
import { marginRange, marginReport } from '../../services/margins';
import { formatMarkup, parseMarkup } from '../../services/markup-tiers';
import {
  MarginRowJson,
  marginReportRequest,
  PremiumPolicyJson,
  premiumPolicyRequest,
  RateJson,
  setRateRequest,
} from './rates.schema';

const rateJson = (r: ExchangeRate) => ({
  from: r.from,
  to: r.to,
  rate: r.rate,
  set_by: r.setBy,
  set_at: r.setAt.toISOString(),
});
const policyJson = (p: PremiumPolicy) => ({
  tld: p.tld,
  allowed: p.allowed,
  margin: formatMarkup(p.marginBps),
  margin_bps: p.marginBps,
});

/** The registrar currency against the resellers': exchange rates, premium-name policy, the margin report. */
export function createAdminRatesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const read = requireAbility('admin.read');
  const write = requireAbility('admin.write');

  router.get(
    '/exchange-rates',
    answers({ 200: z.object({ registrar_currency: z.string(), rates: z.array(RateJson) }) }),
    read,
    async (ctx) => {
      respond(ctx, {
        registrar_currency: deps.config.REGISTRAR_CURRENCY,
        rates: (await listRates(deps.db)).map(rateJson),
      });
    },
  );

  router.put(
    '/exchange-rates/:currency',
    answers({ 200: z.object({ rate: RateJson }) }),
    write,
    validate(setRateRequest),
    async (ctx) => {
      const { params, body } = input(ctx, setRateRequest);
      const rate = await setRate(deps.db, adminActor(ctx), {
        from: deps.config.REGISTRAR_CURRENCY,
        to: params.currency,
        rate: body.rate,
      });
      respond(ctx, { rate: rateJson(rate) }, 'Exchange rate set.');
    },
  );

  router.get(
    '/catalog/premium-policies',
    answers({
      200: z.object({ default: PremiumPolicyJson.omit({ tld: true }), policies: z.array(PremiumPolicyJson) }),
    }),
    read,
    async (ctx) => {
      respond(ctx, {
        default: {
          allowed: deps.config.PREMIUM_NAMES === 'allow',
          margin: formatMarkup(deps.config.PREMIUM_MARGIN_BPS),
          margin_bps: deps.config.PREMIUM_MARGIN_BPS,
        },
        policies: (await listPremiumPolicies(deps.db)).map(policyJson),
      });
    },
  );

  router.put(
    '/catalog/premium-policies/:tld',
    answers({ 200: z.object({ policy: PremiumPolicyJson }) }),
    write,
    validate(premiumPolicyRequest),
    async (ctx) => {
      const { params, body } = input(ctx, premiumPolicyRequest);
      const policy = await setPremiumPolicy(deps.db, adminActor(ctx), {
        tld: params.tld,
        allowed: body.allowed,
        marginBps: body.margin ? parseMarkup(body.margin, 'margin') : deps.config.PREMIUM_MARGIN_BPS,
      });
      respond(ctx, { policy: policyJson(policy) }, 'Premium policy set.');
    },
  );

  router.get(
    '/reports/margin',
    answers({ 200: z.object({ from: z.string(), to: z.string(), currencies: z.array(MarginRowJson) }) }),
    read,
    validate(marginReportRequest),
    async (ctx) => {
      const { query } = input(ctx, marginReportRequest);
      const { from, to } = marginRange({
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      });
      const rows = await marginReport(deps.db, { from, to });
      respond(ctx, {
        from: from.toISOString(),
        to: to.toISOString(),
        currencies: rows.map((r) => ({
          currency: r.currency,
          orders: r.orders,
          revenue: r.revenue,
          cost: r.cost,
          cost_currency: r.costCurrency,
          cost_converted: r.costConverted,
          margin: r.margin,
          without_cost: r.withoutCost,
          below_cost: r.belowCost,
          loss: r.loss,
        })),
      });
    },
  );

  return router;
}
