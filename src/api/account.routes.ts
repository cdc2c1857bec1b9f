import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from './http/answers';
import {
  AccountJson,
  ApiLogDetailJson,
  ApiLogJson,
  CredentialJson,
  IssuedJson,
  RegeneratedJson,
  StatementJson,
  WhitelistJson,
} from '../views/account';
import { Pagination } from '../views/json';
import { moneyJson } from '../money';
import { listApiLogs, showApiLog } from '../services/api-logs';
import {
  issueToken,
  listCredentials,
  regenerateApiKey,
  revokeCredential,
  setApiWhitelist,
} from '../services/credentials';
import { walletStatement, walletStatementCsv } from '../services/statements';
import { getBalance } from '../services/wallet';
import {
  presentApiLog,
  presentApiLogDetail,
  presentCredential,
  presentIssued,
  presentRegenerated,
  presentStatement,
} from '../views/account';
import {
  apiLogFilter,
  apiLogRequest,
  apiLogsRequest,
  credentialRequest,
  issueTokenRequest,
  regenerateKeyRequest,
  statementRequest,
  whitelistRequest,
} from './account.schema';
import type { AppDeps, AppState } from './http/context';
import { requireAuth } from './http/context';
import { respond } from './http/envelope';
import { requireAbility } from './middleware/auth';
import { idempotency } from './middleware/idempotency';
import { input, validate } from './http/validate';

/**
 * Reseller self-service (seed 003's API Access and API Logs pages, seed 000's API Token page):
 * credentials, the API whitelist and the request log, behind `account.manage` (which API keys
 * never carry: a stolen key cannot re-whitelist itself), and the wallet statement.
 */
export function createAccountRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const manage = requireAbility('account.manage');
  const keyed = idempotency(deps.db, { required: false });
  const me = (ctx: { state: AppState }) => requireAuth(ctx).reseller;
  const actor = (ctx: { state: AppState }) => `reseller:${me(ctx).id}` as const;

  router.get('/account', answers({ 200: AccountJson }), manage, async (ctx) => {
    const reseller = me(ctx);
    const currency = reseller.currency.trim();
    const balance = await getBalance(deps.db, reseller.id, currency);
    respond(ctx, {
      account: {
        id: reseller.id,
        name: reseller.name,
        email: reseller.email,
        status: reseller.status,
        currency,
        api_ip_allowlist: reseller.apiIpAllowlist,
      },
      wallet: {
        balance: moneyJson(balance.posted, currency),
        held: moneyJson(-balance.held, currency),
        available: moneyJson(balance.available, currency),
      },
    });
  });

  router.get(
    '/account/credentials',
    answers({ 200: z.object({ credentials: z.array(CredentialJson) }) }),
    manage,
    async (ctx) => {
      const rows = await listCredentials(deps.db, { resellerId: me(ctx).id });
      respond(ctx, { credentials: rows.map(presentCredential) });
    },
  );

  router.post(
    '/account/tokens',
    answers({ 201: IssuedJson }),
    manage,
    validate(issueTokenRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, issueTokenRequest);
      const issued = await issueToken(deps.db, actor(ctx), me(ctx).id, {
        name: body.name,
        abilities: body.abilities,
        expiresAt: body.expires_at ?? null,
      });
      respond(ctx, presentIssued(issued), 'Token issued. Store it now: it is shown once.', 201);
    },
  );

  router.post(
    '/account/api-key/regenerate',
    answers({ 201: RegeneratedJson }, ['credential_not_found']),
    manage,
    validate(regenerateKeyRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, regenerateKeyRequest);
      const res = await regenerateApiKey(deps.db, actor(ctx), me(ctx).id, {
        prefix: body.prefix,
        graceSeconds: body.grace_seconds,
      });
      respond(
        ctx,
        presentRegenerated(res),
        'API key regenerated. Store the new key now: it is shown once.',
        201,
      );
    },
  );

  router.delete(
    '/account/credentials/:credential',
    answers({ 200: z.object({ credential: CredentialJson }) }, ['credential_not_found']),
    manage,
    validate(credentialRequest),
    async (ctx) => {
      const { params } = input(ctx, credentialRequest);
      const revoked = await revokeCredential(
        deps.db,
        actor(ctx),
        { resellerId: me(ctx).id },
        params.credential,
      );
      respond(ctx, { credential: presentCredential(revoked) }, 'Credential revoked.');
    },
  );

  router.get('/account/ip-whitelist', answers({ 200: WhitelistJson }), manage, (ctx) => {
    const ips = me(ctx).apiIpAllowlist;
    respond(ctx, { ips, blocks_all: ips.length === 0 });
  });

  router.put(
    '/account/ip-whitelist',
    answers({ 200: WhitelistJson }),
    manage,
    validate(whitelistRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, whitelistRequest);
      const ips = await setApiWhitelist(deps.db, actor(ctx), me(ctx).id, body.ips);
      respond(
        ctx,
        { ips, blocks_all: ips.length === 0 },
        ips.length === 0
          ? 'API whitelist emptied: /api/v1 and the legacy API now refuse every credential of this account.'
          : 'API whitelist updated.',
      );
    },
  );

  router.get(
    '/account/api-logs',
    answers({ 200: z.object({ logs: z.array(ApiLogJson), pagination: Pagination }) }),
    manage,
    validate(apiLogsRequest),
    async (ctx) => {
      const { query } = input(ctx, apiLogsRequest);
      const page = await listApiLogs(deps.db, apiLogFilter(query, me(ctx).id));
      respond(ctx, {
        logs: page.items.map(presentApiLog),
        pagination: { limit: query.limit, next_cursor: page.nextBeforeId },
      });
    },
  );

  router.get(
    '/account/api-logs/:log',
    answers({ 200: z.object({ log: ApiLogDetailJson }) }, ['api_log_not_found']),
    manage,
    validate(apiLogRequest),
    async (ctx) => {
      const log = await showApiLog(deps.db, input(ctx, apiLogRequest).params.log, me(ctx).id);
      respond(ctx, { log: presentApiLogDetail(log) });
    },
  );

  router.get(
    '/wallet/transactions',
    answers({ 200: z.object({ statement: StatementJson }) }),
    requireAbility('billing.read'),
    validate(statementRequest),
    async (ctx) => {
      const { query } = input(ctx, statementRequest);
      const period = { from: query.from, until: query.until };
      if (query.format === 'csv') {
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', 'attachment; filename="wallet-statement.csv"');
        ctx.body = await walletStatementCsv(deps.db, me(ctx).id, period);
        return;
      }
      const statement = await walletStatement(deps.db, me(ctx).id, {
        ...period,
        cursor: query.cursor,
        limit: query.limit,
      });
      respond(ctx, { statement: presentStatement(statement) });
    },
  );

  return router;
}
