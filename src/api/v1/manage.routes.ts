import { queueFor } from '../../temporal/queues';
import { Router, type RouterMiddleware } from '@koa/router';
import { DOMAIN_LOOKUP, DOMAIN_OPERATION, REGISTRAR_READ, answers } from '../http/answers';
import {
  ContactsReadJson,
  DomainJson,
  LockReadJson,
  NameserversReadJson,
  OperationJson,
  presentDomain,
  presentSync,
  PrivacyJson,
  PrivacyReadJson,
} from '../../views/domains';
import { z } from 'zod';
import { operationStatus, runDomainOperation } from '../../services/domain-ops';
import { ownedDomain, readContacts, readNameservers, readProtection } from '../../services/domains';
import { unprocessable } from '../../services/errors';
import type { DomainOperation } from '../../../workflows/contracts';
import type { AppContext, AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { input, validate } from '../http/validate';
import {
  domainRequest,
  lockRequest,
  nameserversRequest,
  operationRequest,
  privacyRequest,
  whoisRequest,
} from './manage.schema';

/** Seed 003 domain management: sync, nameservers, Whois, EPP, lock, privacy (DNS: dns.routes.ts). */
export function createV1ManageRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: false });
  const read = requireAbility('domains.read');
  const write = requireAbility('domains.write');

  const domainOf = async (ctx: AppContext) =>
    ownedDomain(deps.db, requireAuth(ctx).reseller.id, input(ctx, domainRequest).params.domain);

  /** Runs an operation workflow; 200 with the result, 202 + Location while it is still retrying. */
  const operate = <S extends z.ZodType<{ params: { domain: string } }>>(
    schema: S,
    build: (input: z.infer<S>) => DomainOperation,
    message: string,
    present: (data: Record<string, unknown>) => Record<string, unknown> = (d) => d,
  ): RouterMiddleware<AppState> => {
    return async (ctx) => {
      const parsed = input(ctx, schema);
      const domain = await domainOf(ctx);
      const outcome = await runDomainOperation(
        { temporal: deps.temporal, taskQueue: queueFor(deps.config, 'domainOperationWorkflow') },
        {
          resellerId: domain.resellerId,
          domainId: domain.id,
          domain: domain.name,
          operation: build(parsed),
          idempotencyKey: ctx.state.idempotencyKey,
          resellerName: ctx.state.auth?.reseller.name,
        },
        deps.config.ORDER_ACCEPT_WAIT_MS,
      );
      if (!outcome.done) {
        ctx.set('Location', `/api/v1/operations/${encodeURIComponent(outcome.workflowId)}`);
        respond(
          ctx,
          { operation: { id: outcome.workflowId, status: 'processing' } },
          'Accepted; the registrar is being retried.',
          202,
        );
        return;
      }
      if (!outcome.result.ok) throw unprocessable(outcome.result.code, outcome.result.message);
      respond(ctx, present(outcome.result.data), message);
    };
  };

  router.post(
    '/domains/:domain/sync',
    answers(
      { 200: z.object({ domain: DomainJson }).loose(), 202: z.object({ operation: OperationJson }) },
      DOMAIN_OPERATION,
    ),
    write,
    validate(domainRequest),
    keyed,
    async (ctx, next) => {
      await operate(domainRequest, () => ({ op: 'sync' }), 'Domain synced successfully.')(ctx, next);
      if (ctx.status === 200) {
        ctx.body = {
          success: true,
          message: 'Domain synced successfully.',
          data: { domain: presentDomain(await domainOf(ctx)), ...(ctx.body as { data: object }).data },
        };
      }
    },
  );

  router.get(
    '/domains/:domain/nameservers',
    answers({ 200: NameserversReadJson }, DOMAIN_LOOKUP),
    read,
    validate(domainRequest),
    async (ctx) => {
      const domain = await domainOf(ctx);
      respond(ctx, { nameservers: readNameservers(domain), ...presentSync(domain) });
    },
  );
  router.post(
    '/domains/:domain/nameservers',
    answers(
      {
        200: z.object({ nameservers: z.array(z.string()) }).loose(),
        202: z.object({ operation: OperationJson }),
      },
      DOMAIN_OPERATION,
    ),
    write,
    validate(nameserversRequest),
    keyed,
    operate(
      nameserversRequest,
      (i) => ({ op: 'set_nameservers', nameservers: i.body.nameservers }),
      'Nameservers updated successfully.',
    ),
  );

  router.get(
    '/domains/:domain/whois',
    answers({ 200: ContactsReadJson }, [...DOMAIN_LOOKUP, ...REGISTRAR_READ]),
    read,
    validate(domainRequest),
    async (ctx) => {
      const domain = await domainOf(ctx);
      respond(ctx, { ...(await readContacts(deps, domain)), ...presentSync(domain) });
    },
  );
  router.post(
    '/domains/:domain/whois',
    answers(
      { 200: z.record(z.string(), z.unknown()), 202: z.object({ operation: OperationJson }) },
      DOMAIN_OPERATION,
    ),
    write,
    validate(whoisRequest),
    keyed,
    operate(
      whoisRequest,
      (i) => ({ op: 'set_contacts', contacts: { registrant: i.body.registrant, admin: i.body.admin } }),
      'Whois contacts updated successfully.',
    ),
  );

  router.post(
    '/domains/:domain/epp-code',
    answers(
      { 200: z.object({ epp_code: z.string() }), 202: z.object({ operation: OperationJson }) },
      DOMAIN_OPERATION,
    ),
    read,
    validate(domainRequest),
    keyed,
    operate(
      domainRequest,
      () => ({ op: 'request_epp' }),
      'EPP code retrieved.',
      (data) => ({
        epp_code: deps.secrets.open(String(data['sealedAuthCode'])),
      }),
    ),
  );
  router.put(
    '/domains/:domain/epp-code',
    answers({}, [...DOMAIN_LOOKUP, 'unsupported_capability']),
    write,
    validate(domainRequest),
    async (ctx) => {
      await domainOf(ctx);
      if (!deps.registrar.canSetAuthCode) {
        throw unprocessable(
          'unsupported_capability',
          'The provider does not support setting an EPP code; request the current one instead.',
        );
      }
      throw unprocessable('unsupported_capability', 'Setting an EPP code is not available.');
    },
  );

  router.get(
    '/domains/:domain/lock',
    answers({ 200: LockReadJson }, DOMAIN_LOOKUP),
    read,
    validate(domainRequest),
    async (ctx) => {
      const domain = await domainOf(ctx);
      respond(ctx, { locked: readProtection(domain).locked, ...presentSync(domain) });
    },
  );
  router.put(
    '/domains/:domain/lock',
    answers(
      { 200: z.object({ locked: z.boolean() }).loose(), 202: z.object({ operation: OperationJson }) },
      DOMAIN_OPERATION,
    ),
    write,
    validate(lockRequest),
    keyed,
    operate(lockRequest, (i) => ({ op: 'set_lock', locked: i.body.locked }), 'Domain lock updated.'),
  );

  router.get(
    '/domains/:domain/privacy',
    answers({ 200: PrivacyReadJson }, DOMAIN_LOOKUP),
    read,
    validate(domainRequest),
    async (ctx) => {
      const domain = await domainOf(ctx);
      const { privacy } = readProtection(domain);
      respond(ctx, { enabled: privacy !== 'off', privacy, ...presentSync(domain) });
    },
  );
  router.put(
    '/domains/:domain/privacy',
    answers({ 200: PrivacyJson, 202: z.object({ operation: OperationJson }) }, DOMAIN_OPERATION),
    write,
    validate(privacyRequest),
    keyed,
    operate(
      privacyRequest,
      (i) => ({ op: 'set_privacy', privacy: i.body.enabled ? 'full' : 'off' }),
      'Privacy protection updated.',
      (d) => ({
        enabled: d['privacy'] !== 'off',
        privacy: d['privacy'],
      }),
    ),
  );

  router.get(
    '/operations/:operation',
    answers({ 200: z.object({ operation: OperationJson }) }, ['operation_not_found']),
    read,
    validate(operationRequest),
    async (ctx) => {
      const id = input(ctx, operationRequest).params.operation;
      const operation = await operationStatus(deps.temporal, requireAuth(ctx).reseller.id, id);
      respond(ctx, { operation: { id, ...operation } });
    },
  );

  return router;
}
