import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { recordSchema } from '../../services/dns-records';
import { zodFieldErrors } from '../../services/errors';
import { type DnsZoneState, applyZoneChange, readDnsZone } from '../../services/dns';
import { ownedDomain } from '../../services/domains';
import { AppError, validationFailed } from '../../services/errors';
import type { DnsChange } from '../../../workflows/contracts';
import { Action, Csrf, Errors, Field, Table } from '../components';
import {
  attempt,
  field,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { resellerPage } from './page';

/** The record form's inputs beside the type (the API's fields, by the same names). */
const RECORD_FIELDS: ReadonlyArray<{ name: string; label: string; required?: boolean; number?: boolean }> = [
  { name: 'name', label: 'Name (@, *, www, _sip._tcp)', required: true },
  { name: 'value', label: 'Value', required: true },
  { name: 'ttl', label: 'TTL (60–86400, default 14400)', number: true },
  { name: 'priority', label: 'Priority (MX, SRV)', number: true },
  { name: 'weight', label: 'Weight (SRV)', number: true },
  { name: 'port', label: 'Port (SRV)', number: true },
  { name: 'flags', label: 'Flags (CAA)', number: true },
  { name: 'tag', label: 'Tag (CAA: issue, issuewild, iodef)' },
];
const FORM_NAMES = ['type', ...RECORD_FIELDS.map((f) => f.name)];

type Failure = { message: string; errors?: Record<string, string[]> | undefined };

/** The form's record as the API takes it (empty fields left out). */
function recordFrom(ctx: PortalContext) {
  const raw: Record<string, string> = {};
  for (const k of FORM_NAMES) if (field(ctx, k).trim() !== '') raw[k] = field(ctx, k).trim();
  const parsed = recordSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw validationFailed(zodFieldErrors(parsed.error));
}

const describeRecord = (r: DnsZoneState['records'][number]): string =>
  [
    r.type === 'MX' || r.type === 'SRV' ? r.priority : null,
    r.type === 'SRV' ? `${r.weight} ${r.port}` : null,
    r.type === 'CAA' ? `${r.flags} ${r.tag}` : null,
    r.value,
  ]
    .filter((x) => x !== null)
    .join(' ');

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
    const csrf = ctx.state.page?.csrfToken;
    const here = base(ctx);
    const hosted = zone.hosted;
    resellerPage(
      ctx,
      `DNS of ${domain.name}`,
      '/portal/domains',
      <>
        <p>
          <a href={`/portal/domains/${domain.id}`}>← {domain.name}</a>
        </p>
        <dl class="figures">
          <dt>DNS management</dt>
          <dd data-figure="dns-status">{zone.status}</dd>
          <dt>Served by</dt>
          <dd data-figure="dns-mode">
            {zone.mode === 'hosted' ? 'hosted DNS' : zone.mode === 'registrar' ? "the registrar's DNS" : '—'}
          </dd>
          {hosted && (
            <>
              <dt>Nameservers</dt>
              <dd data-figure="dns-nameservers">
                {hosted.nameservers.join(', ')} ({hosted.delegated ? 'set at the registrar' : 'not set yet'})
              </dd>
              <dt>Serial</dt>
              <dd>{hosted.serial ?? '—'}</dd>
              <dt>DNSSEC</dt>
              <dd data-figure="dnssec">{hosted.dnssec.enabled ? 'signed' : 'off'}</dd>
            </>
          )}
        </dl>
        <Errors
          message={failure?.message}
          errors={failure?.errors}
          shown={['type', 'name', 'value', 'ttl']}
        />
        {zone.status !== 'active' ? (
          <section aria-labelledby="dns-enable-h">
            <h2 id="dns-enable-h">Enable DNS management</h2>
            <form method="post" action={`${here}/provision`}>
              <Csrf token={csrf} />
              <p>
                The records the registrar publishes now are imported, and the domain's nameservers are changed
                to the DNS service's. Cancelling gives the domain its nameservers back.
              </p>
              <label for="f-confirm">
                <input id="f-confirm" type="checkbox" name="confirm" value="1" required /> Change the
                nameservers
              </label>
              <button type="submit">Enable DNS management</button>
            </form>
          </section>
        ) : (
          <>
            <Table
              caption="Records (as the DNS server serves them)"
              head={['Line', 'Type', 'Name', 'Value', 'TTL', 'Served', '']}
              rows={zone.records.map((r) => [
                String(r.line),
                r.type,
                <code>{r.name}</code>,
                <code>{describeRecord(r)}</code>,
                String(r.ttl),
                r.published === undefined ? '—' : r.published ? 'yes' : 'not yet',
                <Action action={`${here}/records/${r.line}/delete`} label="Delete" csrf={csrf} secondary />,
              ])}
              empty="No records yet."
            />
            <section aria-labelledby="dns-add-h">
              <h2 id="dns-add-h">Add a record</h2>
              <form method="post" action={`${here}/records`}>
                <Csrf token={csrf} />
                <label for="f-type">
                  Type
                  <select id="f-type" name="type">
                    {zone.supportedTypes.map((t) => (
                      <option value={t} selected={values?.['type'] === t} key={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </label>
                {RECORD_FIELDS.map((f) => (
                  <Field
                    key={f.name}
                    name={f.name}
                    label={f.label}
                    {...(f.number ? { type: 'number' as const } : {})}
                    value={values?.[f.name]}
                    errors={failure?.errors}
                    required={f.required === true}
                  />
                ))}
                <button type="submit">Add record</button>
              </form>
            </section>
            {hosted && (
              <section aria-labelledby="dnssec-h">
                <h2 id="dnssec-h">DNSSEC</h2>
                {hosted.dnssec.ds.map((d) => (
                  <p key={`${d.keyTag}-${d.digestType}`}>
                    DS at the registry:{' '}
                    <code>{`${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest}`}</code>
                  </p>
                ))}
                <Action
                  action={`${here}/dnssec`}
                  label={hosted.dnssec.enabled ? 'Turn DNSSEC off' : 'Sign the zone (DNSSEC)'}
                  csrf={csrf}
                  hidden={{ enabled: hosted.dnssec.enabled ? '0' : '1' }}
                />
              </section>
            )}
            <section aria-labelledby="dns-cancel-h">
              <h2 id="dns-cancel-h">Cancel DNS management</h2>
              <Action action={`${here}/cancel`} label="Cancel DNS management" csrf={csrf} secondary />
            </section>
          </>
        )}
      </>,
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
