import { Router } from '@koa/router';
import { DNS_CHANGE, answers } from '../http/answers';
import { DnsRecordAnswer, DnsZoneJson } from '../../views/dns';
import type { AppContext, AppDeps, AppState } from '../http/context';
import { requireAuth } from '../http/context';
import { applyDnsChange, dnsZoneView } from '../dns';
import { respond } from '../http/envelope';
import { validationFailed } from '../../services/errors';
import { requireAbility } from '../middleware/auth';
import { idempotency } from '../middleware/idempotency';
import { ownedDomain } from '../../services/domains';
import { input, validate } from '../http/validate';
import {
  createRecordRequest,
  deleteRecordRequest,
  dnssecRequest,
  provisionRequest,
  updateRecordRequest,
  zoneRequest,
} from './dns.schema';

/**
 * Seed 003 DNS management: status and records, provision (on the hosted DNS addon where there is
 * one) and cancel, record create/update/delete by line or ID, and DNSSEC for hosted zones.
 */
export function createV1DnsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: false });
  const read = requireAbility('domains.read');
  const write = requireAbility('domains.write');
  const domainOf = async (ctx: AppContext, ref: string) =>
    ownedDomain(deps.db, requireAuth(ctx).reseller.id, ref);

  router.get(
    '/domains/:domain/dns',
    answers({ 200: DnsZoneJson }, DNS_CHANGE),
    read,
    validate(zoneRequest),
    async (ctx) => {
      const domain = await domainOf(ctx, input(ctx, zoneRequest).params.domain);
      respond(ctx, await dnsZoneView(deps, domain));
    },
  );
  router.post(
    '/domains/:domain/dns/provision',
    answers({ 200: DnsZoneJson }, DNS_CHANGE),
    write,
    validate(provisionRequest),
    keyed,
    async (ctx) => {
      const parsed = input(ctx, provisionRequest);
      if (parsed.body.confirm !== true)
        throw validationFailed({ confirm: ['Send confirm: true to enable DNS management.'] });
      const domain = await domainOf(ctx, parsed.params.domain);
      await applyDnsChange(deps, ctx, domain, { kind: 'provision', hosted: deps.dnsAddon !== null });
      respond(ctx, await dnsZoneView(deps, domain), 'DNS management enabled.');
    },
  );
  router.delete(
    '/domains/:domain/dns',
    answers({ 200: DnsZoneJson }, DNS_CHANGE),
    write,
    validate(zoneRequest),
    async (ctx) => {
      const domain = await domainOf(ctx, input(ctx, zoneRequest).params.domain);
      await applyDnsChange(deps, ctx, domain, { kind: 'cancel' });
      respond(ctx, await dnsZoneView(deps, domain), 'DNS management cancelled.');
    },
  );
  router.put(
    '/domains/:domain/dns/dnssec',
    answers({ 200: DnsZoneJson }, DNS_CHANGE),
    write,
    validate(dnssecRequest),
    keyed,
    async (ctx) => {
      const parsed = input(ctx, dnssecRequest);
      const domain = await domainOf(ctx, parsed.params.domain);
      await applyDnsChange(deps, ctx, domain, { kind: 'dnssec', enabled: parsed.body.enabled });
      respond(
        ctx,
        await dnsZoneView(deps, domain),
        parsed.body.enabled ? 'DNSSEC enabled; the DS record was sent to the registry.' : 'DNSSEC disabled.',
      );
    },
  );
  router.post(
    '/domains/:domain/dns/records',
    answers({ 201: DnsRecordAnswer }, DNS_CHANGE),
    write,
    validate(createRecordRequest),
    keyed,
    async (ctx) => {
      const parsed = input(ctx, createRecordRequest);
      const domain = await domainOf(ctx, parsed.params.domain);
      const result = await applyDnsChange(deps, ctx, domain, { kind: 'create', record: parsed.body });
      const view = await dnsZoneView(deps, domain);
      const record = view.records.find((r) => result.ok && r.line === result.line);
      respond(ctx, { record, ...view }, 'DNS record created.', 201);
    },
  );
  router.put(
    '/domains/:domain/dns/records/:record',
    answers({ 200: DnsRecordAnswer }, DNS_CHANGE),
    write,
    validate(updateRecordRequest),
    keyed,
    async (ctx) => {
      const parsed = input(ctx, updateRecordRequest);
      const domain = await domainOf(ctx, parsed.params.domain);
      const result = await applyDnsChange(deps, ctx, domain, {
        kind: 'update',
        ref: parsed.params.record,
        record: parsed.body,
      });
      const view = await dnsZoneView(deps, domain);
      respond(
        ctx,
        { record: view.records.find((r) => result.ok && r.line === result.line), ...view },
        'DNS record updated.',
      );
    },
  );
  router.delete(
    '/domains/:domain/dns/records/:record',
    answers({ 200: DnsZoneJson }, DNS_CHANGE),
    write,
    validate(deleteRecordRequest),
    async (ctx) => {
      const parsed = input(ctx, deleteRecordRequest);
      const domain = await domainOf(ctx, parsed.params.domain);
      await applyDnsChange(deps, ctx, domain, { kind: 'delete', ref: parsed.params.record });
      respond(ctx, await dnsZoneView(deps, domain), 'DNS record deleted.');
    },
  );

  return router;
}
