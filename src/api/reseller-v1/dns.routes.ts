import { Router } from '@koa/router';
import { DNS_CHANGE, answers } from '../http/answers';
import { DnsZoneJson } from '../../views/dns';
import type { AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { respond } from '../http/envelope';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { ownedDomain } from '../../services/domains';
import { input, validate } from '../http/validate';
import { applyDnsChange, dnsZoneView } from '../dns';
import { pushDnsRequest, replaceDnsRequest } from './dns.schema';

/** Seed 000: replace a domain's local DNS records atomically (optionally pushing them), or push them. */
export function createResellerDnsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: true });

  router.put(
    '/domains/dns',
    answers({ 200: DnsZoneJson }, DNS_CHANGE),
    requireAbility('domains.write'),
    validate(replaceDnsRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, replaceDnsRequest);
      const owned = await ownedDomain(deps.db, requireAuth(ctx).reseller.id, body.domain);
      await applyDnsChange(deps, ctx, owned, { kind: 'replace', records: body.records, push: body.push });
      respond(
        ctx,
        await dnsZoneView(deps, owned),
        body.push ? 'DNS records replaced; publishing.' : 'DNS records replaced.',
      );
    },
  );

  router.post(
    '/domains/dns/push',
    answers({ 202: DnsZoneJson }, DNS_CHANGE),
    requireAbility('domains.write'),
    validate(pushDnsRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, pushDnsRequest);
      const owned = await ownedDomain(deps.db, requireAuth(ctx).reseller.id, body.domain);
      await applyDnsChange(deps, ctx, owned, { kind: 'push' });
      respond(ctx, await dnsZoneView(deps, owned), 'DNS push started.', 202);
    },
  );

  return router;
}
