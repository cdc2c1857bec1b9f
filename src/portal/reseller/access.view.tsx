import type { VNode } from 'preact';
import type { ApiCredential } from '../../db/models';
import { MAX_GRACE_SECONDS } from '../../services/credentials';
import type { AppError } from '../../services/errors';
import { credentialStatus } from '../../views/account';
import { Confirm, Csrf, Errors, ShownOnce, Table, when } from '../components';

/* The API Access page's markup and its confirmation steps; access.tsx loads the keys and handles the forms. */

/** A credential's state in words: live, stops (when), revoked or expired. */
export const status = (c: ApiCredential) => {
  const now = credentialStatus(c);
  return now === 'revoking' ? `stops ${when(c.revokedAt)}` : now;
};

/** How long a regenerated key's predecessor keeps working: 24 hours unless chosen otherwise. */
export const GRACE_CHOICES = [
  { seconds: MAX_GRACE_SECONDS, label: '24 hours (integrations have a day to switch)' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 0, label: 'no time: stop it at once' },
] as const;

const graceWords = (seconds: number) =>
  seconds === 0 ? 'at once' : seconds === 3600 ? 'in 1 hour' : 'in 24 hours';

/** The API keys with the regenerate form, and the IP whitelist's form. */
export function AccessPage(props: {
  keys: ApiCredential[];
  ips: string;
  extra: { shown?: { secret: string; note: string }; error?: AppError; confirm?: VNode };
  csrf: string | undefined;
}): VNode {
  const { keys, ips, extra, csrf } = props;
  return (
    <>
      {extra.confirm}
      {extra.shown && (
        <ShownOnce label="Your new API key" secret={extra.shown.secret} note={extra.shown.note} />
      )}
      <section aria-labelledby="keys-h">
        <h2 id="keys-h">API keys</h2>
        <Table
          caption="API keys (send as X-API-KEY)"
          head={['Key', 'Name', 'Last used', 'Created', 'Status']}
          rows={keys.map((k) => [
            <code>{k.prefix}…</code>,
            k.name,
            when(k.lastUsedAt),
            when(k.createdAt),
            status(k),
          ])}
          empty="No API key yet."
        />
        <form method="get" action="/portal/api-access/regenerate">
          <p>
            Regenerate the API key if it may have been exposed. The new key is shown once; you confirm on the
            next step.
          </p>
          <label for="f-grace">
            Keep the old key working for
            <select id="f-grace" name="grace_seconds">
              {GRACE_CHOICES.map((c) => (
                <option value={String(c.seconds)} key={c.seconds}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="danger">
            Regenerate API key…
          </button>
        </form>
      </section>
      <section aria-labelledby="wl-h">
        <h2 id="wl-h">IP whitelist</h2>
        <p class="note">
          Every credential on <code>/api/v1</code> and the legacy API works only from these addresses.{' '}
          <strong>An empty list blocks all of them.</strong>
        </p>
        <Errors message={extra.error?.message} errors={extra.error?.errors} />
        <form method="post" action="/portal/api-access/whitelist">
          <Csrf token={csrf} />
          <label for="f-ips">
            IP addresses and CIDR ranges, one per line (IPv4 or IPv6)
            <textarea id="f-ips" name="ips" rows={5} aria-invalid={extra.error ? 'true' : undefined}>
              {ips}
            </textarea>
          </label>
          <button type="submit">Save whitelist</button>
        </form>
      </section>
    </>
  );
}

/** The regeneration's confirmation: which key stops working, and when. */
export function RegenerateConfirm(props: {
  live: ApiCredential[];
  grace: number;
  csrf: string | undefined;
}): VNode {
  const { live, grace } = props;
  return (
    <Confirm
      title="Regenerate the API key?"
      action="/portal/api-access/regenerate"
      csrf={props.csrf}
      hidden={{ grace_seconds: String(grace) }}
      confirmLabel={grace === 0 ? 'Yes, regenerate and stop the old key now' : 'Yes, regenerate'}
      cancelHref="/portal/api-access"
    >
      {live.length === 0 ? (
        <p>This account has no API key yet: a first one is made, and nothing stops working.</p>
      ) : (
        <p data-consequence>
          The key{' '}
          {live.map((k) => (
            <code key={k.prefix}>{k.prefix}… </code>
          ))}
          stops working <strong>{graceWords(grace)}</strong>: every integration still sending it then gets
          401. Put the new key in each of them before then.
        </p>
      )}
    </Confirm>
  );
}

/** A whitelist that would shut out the address the page is used from, confirmed first. */
export function WhitelistConfirm(props: {
  entries: string[];
  here: string;
  ips: string;
  csrf: string | undefined;
}): VNode {
  const { entries, here } = props;
  return (
    <Confirm
      title="Shut out your own address?"
      action="/portal/api-access/whitelist"
      csrf={props.csrf}
      hidden={{ ips: props.ips }}
      confirmLabel="Yes, save the whitelist"
      cancelHref="/portal/api-access"
    >
      <p data-consequence>
        {entries.length === 0
          ? 'The list is empty: every API key and token of this account is refused (403) on /api/v1 and the legacy API, from everywhere.'
          : `Your current address ${here} is not in the new list: API requests from this address will be refused (403) once it is saved.`}
      </p>
    </Confirm>
  );
}
