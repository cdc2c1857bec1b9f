import { Router, type RouterMiddleware } from '@koa/router';
import { z } from 'zod';
import { runDomainOperation } from '../../services/domain-ops';
import type { DomainOperation } from '../../../workflows/contracts';
import { contactSchema, flagSchema, nameserversSchema } from '../contacts.schema';
import type { AppContext, AppDeps, AppState } from '../context';
import { requireAuth } from '../context';
import { respond } from '../envelope';
import { ApiError, unprocessable } from '../errors';
import { registrarRead } from '../registrar-read';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { ownedDomain } from '../order-flow';
import { presentDomain } from '../presenters';
import { input, validate } from '../validate';

const domainParam = z.object({ domain: z.string().min(1).max(1000) });

/** Seed 003 domain management: sync, nameservers, Whois, EPP, lock, privacy (DNS: dns.routes.ts). */
export function createV1ManageRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: false });
  const read = requireAbility('domains.read');
  const write = requireAbility('domains.write');

  const domainOf = async (ctx: AppContext, ref: string) =>
    ownedDomain(deps, requireAuth(ctx).reseller.id, ref);

  /** Runs an operation workflow; 200 with the result, 202 + Location while it is still retrying. */
  const operate = (
    schema: z.ZodType<{ params: { domain: string } }>,
    build: (input: unknown) => DomainOperation,
    message: string,
    present: (data: Record<string, unknown>) => Record<string, unknown> = (d) => d,
  ): RouterMiddleware<AppState> => {
    return async (ctx) => {
      const parsed = input(ctx, schema);
      const domain = await domainOf(ctx, parsed.params.domain);
      const outcome = await runDomainOperation(
        deps.temporal,
        {
          resellerId: domain.resellerId,
          domainId: domain.id,
          domain: domain.name,
          operation: build(parsed),
          idempotencyKey: ctx.state.idempotencyKey,
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

  const syncReq = z.object({ params: domainParam });
  router.post('/domains/:domain/sync', write, validate(syncReq), keyed, async (ctx, next) => {
    await operate(syncReq, () => ({ op: 'sync' }), 'Domain synced successfully.')(ctx, next);
    if (ctx.status === 200) {
      const domain = await domainOf(ctx, input(ctx, syncReq).params.domain);
      ctx.body = {
        success: true,
        message: 'Domain synced successfully.',
        data: { domain: presentDomain(domain), ...(ctx.body as { data: object }).data },
      };
    }
  });

  router.get('/domains/:domain/nameservers', read, validate(syncReq), async (ctx) => {
    const domain = await domainOf(ctx, input(ctx, syncReq).params.domain);
    respond(ctx, { nameservers: await registrarRead(() => deps.registrar.getNameservers(domain.name)) });
  });
  const nsReq = z.object({ params: domainParam, body: z.object({ nameservers: nameserversSchema }) });
  router.post(
    '/domains/:domain/nameservers',
    write,
    validate(nsReq),
    keyed,
    operate(
      nsReq,
      (i) => ({ op: 'set_nameservers', nameservers: (i as z.infer<typeof nsReq>).body.nameservers }),
      'Nameservers updated successfully.',
    ),
  );

  router.get('/domains/:domain/whois', read, validate(syncReq), async (ctx) => {
    const domain = await domainOf(ctx, input(ctx, syncReq).params.domain);
    respond(ctx, await registrarRead(() => deps.registrar.getContacts(domain.name)));
  });
  const whoisReq = z.object({
    params: domainParam,
    body: z.object({ registrant: contactSchema, admin: contactSchema }),
  });
  router.post(
    '/domains/:domain/whois',
    write,
    validate(whoisReq),
    keyed,
    operate(
      whoisReq,
      (i) => {
        const b = (i as z.infer<typeof whoisReq>).body;
        return { op: 'set_contacts', contacts: { registrant: b.registrant, admin: b.admin } };
      },
      'Whois contacts updated successfully.',
    ),
  );

  router.post(
    '/domains/:domain/epp-code',
    read,
    validate(syncReq),
    keyed,
    operate(
      syncReq,
      () => ({ op: 'request_epp' }),
      'EPP code retrieved.',
      (data) => ({
        epp_code: deps.secrets.open(String(data['sealedAuthCode'])),
      }),
    ),
  );
  router.put('/domains/:domain/epp-code', write, validate(syncReq), async (ctx) => {
    await domainOf(ctx, input(ctx, syncReq).params.domain);
    if (!deps.registrar.canSetAuthCode) {
      throw unprocessable(
        'unsupported_capability',
        'The provider does not support setting an EPP code; request the current one instead.',
      );
    }
    throw unprocessable('unsupported_capability', 'Setting an EPP code is not available.');
  });

  router.get('/domains/:domain/lock', read, validate(syncReq), async (ctx) => {
    const domain = await domainOf(ctx, input(ctx, syncReq).params.domain);
    const info = await registrarRead(() => deps.registrar.info(domain.name));
    respond(ctx, { locked: info?.locked ?? domain.locked });
  });
  const lockReq = z.object({ params: domainParam, body: z.object({ locked: flagSchema }) });
  router.put(
    '/domains/:domain/lock',
    write,
    validate(lockReq),
    keyed,
    operate(
      lockReq,
      (i) => ({ op: 'set_lock', locked: (i as z.infer<typeof lockReq>).body.locked }),
      'Domain lock updated.',
    ),
  );

  router.get('/domains/:domain/privacy', read, validate(syncReq), async (ctx) => {
    const domain = await domainOf(ctx, input(ctx, syncReq).params.domain);
    const info = await registrarRead(() => deps.registrar.info(domain.name));
    const privacy = info?.privacy ?? domain.privacy;
    respond(ctx, { enabled: privacy !== 'off', privacy });
  });
  const privacyReq = z.object({ params: domainParam, body: z.object({ enabled: flagSchema }) });
  router.put(
    '/domains/:domain/privacy',
    write,
    validate(privacyReq),
    keyed,
    operate(
      privacyReq,
      (i) => ({
        op: 'set_privacy',
        privacy: (i as z.infer<typeof privacyReq>).body.enabled ? 'full' : 'off',
      }),
      'Privacy protection updated.',
      (d) => ({
        enabled: d['privacy'] !== 'off',
        privacy: d['privacy'],
      }),
    ),
  );

  const opReq = z.object({ params: z.object({ operation: z.string().min(1).max(300) }) });
  router.get('/operations/:operation', read, validate(opReq), async (ctx) => {
    const id = input(ctx, opReq).params.operation;
    if (!id.startsWith(`domain-op:${requireAuth(ctx).reseller.id}:`))
      throw new ApiError(404, 'operation_not_found', 'Operation not found.');
    const handle = deps.temporal.workflow.getHandle(id);
    const status = await handle.describe().then(
      (d) => d.status.name,
      () => null,
    );
    if (status === null) throw new ApiError(404, 'operation_not_found', 'Operation not found.');
    if (status !== 'COMPLETED') {
      respond(ctx, { operation: { id, status: status === 'RUNNING' ? 'processing' : 'failed' } });
      return;
    }
    const result = (await handle.result()) as { ok: boolean; code?: string; message?: string };
    respond(ctx, {
      operation: {
        id,
        status: result.ok ? 'completed' : 'failed',
        ...(result.ok ? {} : { error: { code: result.code, message: result.message } }),
      },
    });
  });

  return router;
}
