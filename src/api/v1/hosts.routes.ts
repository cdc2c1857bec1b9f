import { Router } from '@koa/router';
import { z } from 'zod';
import { assertKnownHost, assertUnder, glueHostsOf } from '../../services/glue-hosts';
import { GlueHostJson, OperationJson, presentGlueHost } from '../../views/domains';
import type { AppContext, AppDeps, AppState } from '../http/context';
import { DOMAIN_LOOKUP, DOMAIN_OPERATION, answers } from '../http/answers';
import { respond } from '../http/envelope';
import { input, validate } from '../http/validate';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { domainOperations } from './domain-operations';
import { deleteHostRequest, hostsRequest, registerHostRequest, setHostRequest } from './manage.schema';

const HOST_ANSWERS = {
  200: z.object({ host: z.object({ host: z.string() }).loose() }).loose(),
  202: z.object({ operation: OperationJson }),
};

/**
 * Nameserver hosts (glue) under a domain of the reseller: listed from our record, registered,
 * readdressed and deleted at the registrar by a domain operation workflow each.
 */
export function createV1HostsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: false });
  const { domainOf, operate } = domainOperations(deps);

  const inBailiwick = async (ctx: AppContext, host: string) => assertUnder(await domainOf(ctx), host);
  const known = async (ctx: AppContext, host: string) => assertKnownHost(deps.db, await domainOf(ctx), host);

  router.get(
    '/domains/:domain/hosts',
    answers({ 200: z.object({ hosts: z.array(GlueHostJson) }) }, DOMAIN_LOOKUP),
    requireAbility('domains.read'),
    validate(hostsRequest),
    async (ctx) => {
      const domain = await domainOf(ctx);
      const rows = await glueHostsOf(deps.db, domain.id);
      respond(ctx, { hosts: rows.map(presentGlueHost) });
    },
  );

  router.post(
    '/domains/:domain/hosts',
    answers(HOST_ANSWERS, DOMAIN_OPERATION),
    requireAbility('domains.write'),
    validate(registerHostRequest),
    keyed,
    async (ctx, next) => {
      await inBailiwick(ctx, input(ctx, registerHostRequest).body.host);
      await operate(
        registerHostRequest,
        (i) => ({ op: 'register_host', host: i.body.host, ips: i.body.ips }),
        'Nameserver host registered.',
      )(ctx, next);
    },
  );

  router.put(
    '/domains/:domain/hosts/:host',
    answers(HOST_ANSWERS, [...DOMAIN_OPERATION, 'host_not_found']),
    requireAbility('domains.write'),
    validate(setHostRequest),
    keyed,
    async (ctx, next) => {
      await known(ctx, input(ctx, setHostRequest).params.host);
      await operate(
        setHostRequest,
        (i) => ({ op: 'set_host_ips', host: i.params.host.toLowerCase(), ips: i.body.ips }),
        'Nameserver host updated.',
      )(ctx, next);
    },
  );

  router.delete(
    '/domains/:domain/hosts/:host',
    answers(HOST_ANSWERS, [...DOMAIN_OPERATION, 'host_not_found']),
    requireAbility('domains.write'),
    validate(deleteHostRequest),
    keyed,
    async (ctx, next) => {
      await known(ctx, input(ctx, deleteHostRequest).params.host);
      await operate(
        deleteHostRequest,
        (i) => ({ op: 'delete_host', host: i.params.host.toLowerCase() }),
        'Nameserver host deleted.',
      )(ctx, next);
    },
  );

  return router;
}
