import { Router } from '@koa/router';
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
import { operationStatus } from '../../services/domain-ops';
import { resolveContacts } from '../../services/contacts';
import { contactChoices } from '../contacts.schema';
import { readContacts, readNameservers, readProtection } from '../../services/domains';
import { unprocessable } from '../../services/errors';
import type { AppDeps, AppState } from '../http/context';
import { domainOperations } from './domain-operations';
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

  const { domainOf, operate } = domainOperations(deps);

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
      // The people become handles (or are found as ones): the run names their IDs only.
      async (i, ctx) => ({
        op: 'set_contacts',
        contactRefs: await resolveContacts(deps.db, requireAuth(ctx).reseller.id, contactChoices(i.body)),
      }),
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
