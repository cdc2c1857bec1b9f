import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { LedgerEntryJson, StatementJson } from '../../views/account';
import { presentOverview, presentReseller, ResellerJson, ResellerOverviewJson } from '../../views/admin';
import { Pagination } from '../../views/json';
import { adjustWallet } from '../../services/adjustments';
import { parseMarkup } from '../../services/markup-tiers';
import {
  createReseller,
  listResellers,
  setResellerStatus,
  showReseller,
  updateReseller,
} from '../../services/resellers';
import { encodeCursor } from '../../services/domains';
import { walletStatement, walletStatementCsv } from '../../services/statements';
import { presentLedgerEntry, presentStatement } from '../../views/account';
import type { AppDeps, AppState } from '../http/context';
import { adminActor } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { input, validate } from '../http/validate';
import {
  adjustmentRequest,
  createResellerRequest,
  listResellersRequest,
  resellerRequest,
  resellerStatementRequest,
  statusChangeRequest,
  updateResellerRequest,
} from './resellers.schema';

/** Operators manage resellers: create, search, show, update, suspend, their wallet. */
export function createAdminResellersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const read = requireAbility('admin.read');
  const write = requireAbility('admin.write');
  const money = requireAbility('admin.money');
  const keyed = idempotency(deps.db, { required: false });

  router.get(
    '/resellers',
    answers({ 200: z.object({ resellers: z.array(ResellerJson), pagination: Pagination }) }),
    read,
    validate(listResellersRequest),
    async (ctx) => {
      const { query } = input(ctx, listResellersRequest);
      const page = await listResellers(deps.db, {
        q: query.q,
        status: query.status,
        afterId: query.cursor,
        limit: query.limit,
      });
      respond(ctx, {
        resellers: page.items.map(presentReseller),
        pagination: {
          limit: query.limit,
          next_cursor: page.more && page.lastId !== null ? encodeCursor(page.lastId) : null,
        },
      });
    },
  );

  router.post(
    '/resellers',
    answers({ 201: z.object({ reseller: ResellerJson, api_key: z.string(), token: z.string() }) }, [
      'email_taken',
      'markup_tier_not_found',
    ]),
    write,
    validate(createResellerRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, createResellerRequest);
      const issued = await createReseller(
        deps.db,
        {
          name: body.name,
          email: body.email,
          currency: body.currency,
          ipAllowlist: body.ip_allowlist ?? [],
          markupTier: body.markup_tier,
          markupBps: body.markup === undefined ? undefined : parseMarkup(body.markup),
          ...(body.abilities ? { abilities: body.abilities } : {}),
        },
        adminActor(ctx),
      );
      respond(
        ctx,
        { reseller: presentReseller(issued.reseller), api_key: issued.apiKey, token: issued.token },
        'Reseller created. Hand over the API key and token now: they are shown once.',
        201,
      );
    },
  );

  router.get(
    '/resellers/:reseller',
    answers({ 200: z.object({ reseller: ResellerOverviewJson }) }, ['reseller_not_found']),
    read,
    validate(resellerRequest),
    async (ctx) => {
      const { params } = input(ctx, resellerRequest);
      respond(ctx, { reseller: presentOverview(await showReseller(deps.db, params.reseller)) });
    },
  );

  router.patch(
    '/resellers/:reseller',
    answers({ 200: z.object({ reseller: ResellerJson }) }, [
      'reseller_not_found',
      'email_taken',
      'markup_tier_not_found',
    ]),
    write,
    validate(updateResellerRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, updateResellerRequest);
      const reseller = await updateReseller(deps.db, adminActor(ctx), params.reseller, {
        name: body.name,
        email: body.email,
        markupTier: body.markup_tier,
        markupBps: body.markup === undefined ? undefined : parseMarkup(body.markup),
      });
      respond(ctx, { reseller: presentReseller(reseller) }, 'Reseller updated.');
    },
  );

  for (const [path, status] of [
    ['suspend', 'suspended'],
    ['reactivate', 'active'],
  ] as const) {
    router.post(
      `/resellers/:reseller/${path}`,
      answers({ 200: z.object({ reseller: ResellerJson }) }, ['reseller_not_found']),
      write,
      validate(statusChangeRequest),
      keyed,
      async (ctx) => {
        const { params, body } = input(ctx, statusChangeRequest);
        const reseller = await setResellerStatus(
          deps.db,
          adminActor(ctx),
          params.reseller,
          status,
          body.reason,
        );
        respond(
          ctx,
          { reseller: presentReseller(reseller) },
          status === 'suspended'
            ? 'Reseller suspended: its credentials are refused from the next request.'
            : 'Reseller reactivated.',
        );
      },
    );
  }

  router.post(
    '/resellers/:reseller/wallet/adjustments',
    answers({ 201: z.object({ entry: LedgerEntryJson }) }, ['reseller_not_found', 'insufficient_balance']),
    money,
    validate(adjustmentRequest),
    idempotency(deps.db, { required: true }),
    async (ctx) => {
      const { params, body } = input(ctx, adjustmentRequest);
      const { entry } = await adjustWallet(deps.db, adminActor(ctx), params.reseller, {
        ...body,
        idempotencyKey: ctx.state.idempotencyKey!,
      });
      respond(ctx, { entry: presentLedgerEntry(entry) }, `Wallet ${body.direction}ed.`, 201);
    },
  );

  router.get(
    '/resellers/:reseller/wallet/transactions',
    answers({ 200: z.object({ statement: StatementJson }) }, ['reseller_not_found']),
    read,
    validate(resellerStatementRequest),
    async (ctx) => {
      const { params, query } = input(ctx, resellerStatementRequest);
      const period = { from: query.from, until: query.until };
      if (query.format === 'csv') {
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', `attachment; filename="wallet-${params.reseller}.csv"`);
        ctx.body = await walletStatementCsv(deps.db, params.reseller, period);
        return;
      }
      const statement = await walletStatement(deps.db, params.reseller, {
        ...period,
        cursor: query.cursor,
        limit: query.limit,
      });
      respond(ctx, { statement: presentStatement(statement) });
    },
  );

  return router;
}
