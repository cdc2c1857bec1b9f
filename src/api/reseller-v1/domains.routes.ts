import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../answers';
import { DomainJson, Pagination } from '../schemas';
import type { AppDeps, AppState } from '../context';
import { requireAbility } from '../middleware/auth';
import { validate } from '../validate';
import { listDomainsHandler } from '../shared.handlers';
import { listDomainsRequest } from '../v1/domains.schema';

/** `GET /domains`: the reseller's registered domains (seed 000, ability domains.read). */
export function createResellerDomainsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get(
    '/domains',
    answers({ 200: z.object({ domains: z.array(DomainJson), pagination: Pagination }) }),
    requireAbility('domains.read'),
    validate(listDomainsRequest),
    listDomainsHandler(deps),
  );
  return router;
}
