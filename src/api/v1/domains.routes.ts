import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../answers';
import { DomainJson, Pagination } from '../schemas';
import type { AppDeps, AppState } from '../context';
import { requireAbility } from '../middleware/auth';
import { validate } from '../validate';
import { listDomainsHandler } from '../shared.handlers';
import { listDomainsRequest } from './domains.schema';

export function createV1DomainsRouter(deps: AppDeps): Router<AppState> {
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
