import { Router } from '@koa/router';
import { z } from 'zod';
import { answers } from '../http/answers';
import { DomainJson } from '../../views/domains';
import { Pagination } from '../../views/json';
import type { AppDeps, AppState } from '../http/context';
import { requireAbility } from '../middleware/auth';
import { validate } from '../http/validate';
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
