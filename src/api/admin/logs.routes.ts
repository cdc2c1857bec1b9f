import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { ApiLogDetailJson, ApiLogJson } from '../../views/account';
import { MeJson } from '../../views/admin';
import { Pagination } from '../../views/json';
import { listApiLogs, showApiLog } from '../../services/api-logs';
import { presentApiLog, presentApiLogDetail } from '../../views/account';
import { apiLogFilter, apiLogRequest } from '../account.schema';
import type { AppDeps, AppState } from '../http/context';
import { requireAdmin } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { input, validate } from '../http/validate';
import { adminApiLogsRequest } from './logs.schema';

/** Every reseller's API logs (bodies redacted when written), and who is asking. */
export function createAdminLogsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const read = requireAbility('admin.read');

  router.get('/me', answers({ 200: MeJson }), read, (ctx) => {
    const { admin, credential, abilities } = requireAdmin(ctx);
    respond(ctx, {
      admin: { id: admin.id, email: admin.email, name: admin.name },
      credential: { id: credential.prefix, abilities: [...abilities] },
    });
  });

  router.get(
    '/api-logs',
    answers({ 200: z.object({ logs: z.array(ApiLogJson), pagination: Pagination }) }),
    read,
    validate(adminApiLogsRequest),
    async (ctx) => {
      const { query } = input(ctx, adminApiLogsRequest);
      const page = await listApiLogs(deps.db, apiLogFilter(query, query.reseller));
      respond(ctx, {
        logs: page.items.map(presentApiLog),
        pagination: { limit: query.limit, next_cursor: page.nextBeforeId },
      });
    },
  );

  router.get(
    '/api-logs/:log',
    answers({ 200: z.object({ log: ApiLogDetailJson }) }, ['api_log_not_found']),
    read,
    validate(apiLogRequest),
    async (ctx) => {
      respond(ctx, {
        log: presentApiLogDetail(await showApiLog(deps.db, input(ctx, apiLogRequest).params.log)),
      });
    },
  );

  return router;
}
