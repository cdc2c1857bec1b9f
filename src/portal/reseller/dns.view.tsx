import type { VNode } from 'preact';
import type { Domain } from '../../db/models';
import type { DnsZoneState } from '../../services/dns';
import { Action, Csrf, Errors, Field, Table, when } from '../components';

/* The DNS page's markup; dns.tsx loads the zone and applies the changes. */

/** The record form's inputs beside the type (the API's fields, by the same names). */
export const RECORD_FIELDS: ReadonlyArray<{
  name: string;
  label: string;
  required?: boolean;
  number?: boolean;
}> = [
  { name: 'name', label: 'Name (@, *, www, _sip._tcp)', required: true },
  { name: 'value', label: 'Value', required: true },
  { name: 'ttl', label: 'TTL (60–86400, default 14400)', number: true },
  { name: 'priority', label: 'Priority (MX, SRV)', number: true },
  { name: 'weight', label: 'Weight (SRV)', number: true },
  { name: 'port', label: 'Port (SRV)', number: true },
  { name: 'flags', label: 'Flags (CAA)', number: true },
  { name: 'tag', label: 'Tag (CAA: issue, issuewild, iodef)' },
];

export type Failure = { message: string; errors?: Record<string, string[]> | undefined };

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
 * A domain's zone as the DNS server serves it (each record published or not), the hosted addon's
 * delegation and DNSSEC, the forms adding and deleting records by line.
 */
export function DnsZonePage(props: {
  domain: Pick<Domain, 'id' | 'name'>;
  zone: DnsZoneState;
  here: string;
  failure: Failure | undefined;
  values: Record<string, string> | undefined;
  csrf: string | undefined;
}): VNode {
  const { domain, zone, here, failure, values, csrf } = props;
  const hosted = zone.hosted;
  return (
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
            <dd data-figure="dnssec">
              {hosted.dnssec.enabled
                ? 'signed'
                : hosted.dnssec.unsigningAfter
                  ? `DS removed; unsigning after ${when(hosted.dnssec.unsigningAfter)}`
                  : 'off'}
            </dd>
          </>
        )}
      </dl>
      <Errors message={failure?.message} errors={failure?.errors} shown={['type', 'name', 'value', 'ttl']} />
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
              {hosted.dnssec.unsigningAfter && (
                <p role="status" class="notice" data-figure="dnssec-unsigning">
                  The DS is gone from the registrar; the zone stays signed until resolvers that cached it let
                  it go, unsigning after {when(hosted.dnssec.unsigningAfter)}. Signing again now sends the DS
                  back.
                </p>
              )}
              {hosted.dnssec.ds.map((d) => (
                <p key={`${d.keyTag}-${d.digestType}`}>
                  DS at the registry: <code>{`${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest}`}</code>
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
    </>
  );
}
