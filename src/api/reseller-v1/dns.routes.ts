import { Router } from '@koa/router';
import { z } from 'zod';
import { flagSchema } from '../contacts.schema';
import type { AppDeps, AppState } from '../context';
import { requireAuth } from '../context';
import { recordSchema } from '../dns.schema';
import { respond } from '../envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { ownedDomain } from '../order-flow';
import { input, validate } from '../validate';
import { applyDns, dnsView } from '../v1/manage.routes';

const domain = z
  .string({ error: 'The domain field is required.' })
  .trim()
  .min(1, 'The domain field is required.')
  .max(1000);

export const replaceDnsRequest = z.object({
  body: z.object({
    domain,
    records: z.array(recordSchema).max(500, 'Send at most 500 records.'),
    push: flagSchema.default(true),
  }),
});
export const pushDnsRequest = z.object({ body: z.object({ domain }) });

/** Seed 000: replace a domain's local DNS records atomically (optionally pushing them), or push them. */
export function createResellerDnsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: true });

  router.put(
    '/domains/dns',
    requireAbility('domains.write'),
    validate(replaceDnsRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, replaceDnsRequest);
      const owned = await ownedDomain(deps, requireAuth(ctx).reseller.id, body.domain);
      await applyDns(deps, ctx, owned, { kind: 'replace', records: body.records, push: body.push });
      respond(
        ctx,
        await dnsView(deps, owned.id),
        body.push ? 'DNS records replaced; publishing.' : 'DNS records replaced.',
      );
    },
  );

  router.post(
    '/domains/dns/push',
    requireAbility('domains.write'),
    validate(pushDnsRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, pushDnsRequest);
      const owned = await ownedDomain(deps, requireAuth(ctx).reseller.id, body.domain);
      await applyDns(deps, ctx, owned, { kind: 'push' });
      respond(ctx, await dnsView(deps, owned.id), 'DNS push started.', 202);
    },
  );

  return router;
}
