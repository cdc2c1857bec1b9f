import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { recordSchema } from '../../services/dns-records';
import { applyZoneChange, readDnsZone } from '../../services/dns';
import { ownedDomain } from '../../services/domains';
import { AppError, validationFailed, zodFieldErrors } from '../../services/errors';
import type { DnsChange } from '../../../workflows/contracts';
import {
  attempt,
  field,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { DnsZonePage, type Failure, RECORD_FIELDS } from './dns.view';
import { resellerPage } from './page';

const FORM_NAMES = ['type', ...RECORD_FIELDS.map((f) => f.name)];

/** The form's record as the API takes it (empty fields left out). */
function recordFrom(ctx: PortalContext) {
  const raw: Record<string, string> = {};
  for (const k of FORM_NAMES) if (field(ctx, k).trim() !== '') raw[k] = field(ctx, k).trim();
  const parsed = recordSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw validationFailed(zodFieldErrors(parsed.error));
}

/**
 * A domain's DNS page: the zone as the DNS server serves it (each record published or not), the
 * hosted addon's delegation and DNSSEC, records added and deleted by line; the same service as
 * both API surfaces.
 */
export function addDns(router: Router<PortalState>, deps: AppDeps): void {
  const base = (ctx: PortalContext) =>
    `/portal/domains/${encodeURIComponent(ctx.params['domain'] ?? '')}/dns`;
  const domainOf = (ctx: PortalContext) =>
    ownedDomain(deps.db, signedInReseller(ctx).id, ctx.params['domain'] ?? '');

  const page = async (ctx: PortalContext, failure?: Failure, values?: Record<string, string>) => {
    const domain = await domainOf(ctx);
    const zone = await readDnsZone(deps, domain);
    resellerPage(
      ctx,
      `DNS of ${domain.name}`,
      '/portal/domains',
      <DnsZonePage
        domain={domain}
        zone={zone}
        here={base(ctx)}
        failure={failure}
        values={values}
        csrf={ctx.state.page?.csrfToken}
      />,
      failure ? 422 : 200,
    );
  };

  /** Applies a change and shows the page again: with a flash when done, with the errors when refused. */
  const change = async (
    ctx: PortalContext,
    make: () => DnsChange,
    done: string,
    values?: Record<string, string>,
  ) => {
    const domain = await domainOf(ctx);
    const res = await attempt(() =>
      applyZoneChange(deps, domain, make(), undefined, signedInReseller(ctx).name),
    );
    if ('error' in res) {
      if (res.error.status === 404 && res.error.code !== 'record_not_found') throw res.error;
      return page(ctx, { message: res.error.message, errors: res.error.errors }, values);
    }
    await redirectWithFlash(deps, ctx, base(ctx), done);
  };

  router.get('/portal/domains/:domain/dns', (ctx) => page(ctx));
  router.post('/portal/domains/:domain/dns/provision', (ctx) =>
    field(ctx, 'confirm') === '1'
      ? change(ctx, () => ({ kind: 'provision', hosted: deps.dnsAddon !== null }), 'DNS management enabled.')
      : page(ctx, { message: 'Tick the box to confirm the nameserver change.' }),
  );
  router.post('/portal/domains/:domain/dns/cancel', (ctx) =>
    change(ctx, () => ({ kind: 'cancel' }), 'DNS management cancelled.'),
  );
  router.post('/portal/domains/:domain/dns/dnssec', (ctx) => {
    const enabled = field(ctx, 'enabled') === '1';
    return change(
      ctx,
      () => ({ kind: 'dnssec', enabled }),
      enabled ? 'The zone is signed.' : 'DNSSEC is off.',
    );
  });
  router.post('/portal/domains/:domain/dns/records', async (ctx) => {
    const values: Record<string, string> = {};
    for (const k of FORM_NAMES) values[k] = field(ctx, k);
    try {
      const record = recordFrom(ctx);
      await change(ctx, () => ({ kind: 'create', record }), 'Record added.', values);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await page(ctx, { message: err.message, errors: err.errors }, values);
    }
  });
  router.post('/portal/domains/:domain/dns/records/:line/delete', (ctx) =>
    change(ctx, () => ({ kind: 'delete', ref: ctx.params['line'] ?? '' }), 'Record deleted.'),
  );
}
