import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { DomainJson } from '../../views/domains';
import { Pagination } from '../../views/json';
import type { AppDeps, AppState } from '../http/context';
import { requireAbility } from '../middleware/auth';
import { validate } from '../http/validate';
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
