import type { VNode } from 'preact';
import { ABILITIES } from '../../auth/credentials';
import type { ApiCredential } from '../../db/models';
import type { AppError } from '../../services/errors';
import { Confirm, Csrf, Errors, Field, ShownOnce, Table, when } from '../components';
import { status } from './access.view';

/* The API Tokens page's markup and its revoke confirmation; tokens.tsx loads the tokens and handles the forms. */

/** The tokens with their abilities and state, a token just made (shown once), and the form making one. */
export function TokensPage(props: {
  tokens: ApiCredential[];
  extra: {
    shown?: string;
    error?: AppError;
    values?: { name: string; abilities: string[]; expires: string };
    confirm?: VNode;
  };
  csrf: string | undefined;
}): VNode {
  const { tokens, extra, csrf } = props;
  const chosen = new Set(extra.values?.abilities ?? ABILITIES.filter((a) => a !== 'account.manage'));
  return (
    <>
      {extra.confirm}
      {extra.shown && (
        <ShownOnce
          label="Your new token"
          secret={extra.shown}
          note="Send it as Authorization: Bearer <token>."
        />
      )}
      <Table
        caption="Bearer tokens"
        head={['Token', 'Name', 'Abilities', 'Last used', 'Expires', 'Status', '']}
        rows={tokens.map((t) => [
          <code>{t.prefix}…</code>,
          t.name,
          t.abilities.join(', '),
          when(t.lastUsedAt),
          when(t.expiresAt),
          status(t),
          t.revokedAt ? '' : <a href={`/portal/tokens/${encodeURIComponent(t.prefix)}/revoke`}>Revoke…</a>,
        ])}
      />
      <section aria-labelledby="new-token-h">
        <h2 id="new-token-h">Create a token</h2>
        <Errors message={extra.error?.message} errors={extra.error?.errors} shown={['name', 'expires_at']} />
        <form method="post" action="/portal/tokens">
          <Csrf token={csrf} />
          <Field
            name="name"
            label="Name (what it is for)"
            value={extra.values?.name}
            errors={extra.error?.errors}
            required
          />
          <fieldset>
            <legend>Abilities</legend>
            {ABILITIES.map((a) => (
              <label for={`ab-${a}`} key={a}>
                <input type="checkbox" id={`ab-${a}`} name="abilities" value={a} checked={chosen.has(a)} />{' '}
                {a}
              </label>
            ))}
          </fieldset>
          <Field
            name="expires_at"
            label="Expires on (optional)"
            type="date"
            value={extra.values?.expires}
            errors={extra.error?.errors}
            hint="Leave empty for a token that does not expire."
          />
          <button type="submit">Create token</button>
        </form>
      </section>
    </>
  );
}

/** Revoking a token: what it could do, and that it stops at once. */
export function RevokeTokenConfirm(props: { token: ApiCredential; csrf: string | undefined }): VNode {
  const { token } = props;
  return (
    <Confirm
      title={`Revoke the token ${token.prefix}…?`}
      action={`/portal/tokens/${encodeURIComponent(token.prefix)}/revoke`}
      csrf={props.csrf}
      confirmLabel="Yes, revoke it now"
      cancelHref="/portal/tokens"
    >
      <p data-consequence>
        “{token.name}” ({token.abilities.join(', ')}) stops working <strong>at once</strong>: every request
        with it gets 401. This cannot be undone; a new token would have to be made.
      </p>
    </Confirm>
  );
}
