import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { ABILITIES } from '../../auth/credentials';
import { issueToken, listCredentials, revokeCredential } from '../../services/credentials';
import { AppError } from '../../services/errors';
import { Confirm, Csrf, Errors, Field, ShownOnce, Table, when } from '../components';
import {
  attempt,
  field,
  fields,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { resellerPage } from './page';

import { actor, status } from './access';

/** The API Tokens page: tokens with abilities, creating one (shown once), revoking one after a confirmation. */
export function addTokens(router: Router<PortalState>, deps: AppDeps): void {
  const tokensPage = async (
    ctx: PortalContext,
    extra: {
      shown?: string;
      error?: AppError;
      values?: { name: string; abilities: string[]; expires: string };
      confirm?: VNode;
    } = {},
  ) => {
    const reseller = signedInReseller(ctx);
    const tokens = (await listCredentials(deps.db, { resellerId: reseller.id })).filter(
      (c) => c.kind === 'token',
    );
    const csrf = ctx.state.page?.csrfToken;
    const chosen = new Set(extra.values?.abilities ?? ABILITIES.filter((a) => a !== 'account.manage'));
    resellerPage(
      ctx,
      'API Tokens',
      '/portal/tokens',
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
          <Errors
            message={extra.error?.message}
            errors={extra.error?.errors}
            shown={['name', 'expires_at']}
          />
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
      </>,
      extra.error ? 422 : 200,
    );
  };

  router.get('/portal/tokens', (ctx) => tokensPage(ctx));

  router.post('/portal/tokens', async (ctx) => {
    const values = {
      name: field(ctx, 'name'),
      abilities: fields(ctx, 'abilities'),
      expires: field(ctx, 'expires_at'),
    };
    const res = await attempt(() => {
      if (values.name.trim() === '')
        throw new AppError(422, 'validation_error', 'The token needs a name.', {
          name: ['A name is required.'],
        });
      return issueToken(deps.db, actor(ctx), signedInReseller(ctx).id, {
        name: values.name.trim(),
        abilities: values.abilities,
        expiresAt: values.expires ? new Date(`${values.expires}T23:59:59Z`) : null,
      });
    });
    if ('error' in res) await tokensPage(ctx, { error: res.error, values });
    else await tokensPage(ctx, { shown: res.ok.secret });
  });

  const confirmRevoke = async (ctx: PortalContext) => {
    const prefix = ctx.params['prefix'] ?? '';
    const token = (await listCredentials(deps.db, { resellerId: signedInReseller(ctx).id })).find(
      (c) => c.kind === 'token' && c.prefix === prefix && !c.revokedAt,
    );
    if (!token) throw new AppError(404, 'credential_not_found', 'No such live token.');
    await tokensPage(ctx, {
      confirm: (
        <Confirm
          title={`Revoke the token ${token.prefix}…?`}
          action={`/portal/tokens/${encodeURIComponent(token.prefix)}/revoke`}
          csrf={ctx.state.page?.csrfToken}
          confirmLabel="Yes, revoke it now"
          cancelHref="/portal/tokens"
        >
          <p data-consequence>
            “{token.name}” ({token.abilities.join(', ')}) stops working <strong>at once</strong>: every
            request with it gets 401. This cannot be undone; a new token would have to be made.
          </p>
        </Confirm>
      ),
    });
  };

  router.get('/portal/tokens/:prefix/revoke', confirmRevoke);

  router.post('/portal/tokens/:prefix/revoke', async (ctx) => {
    if (field(ctx, 'confirm') !== 'yes') return confirmRevoke(ctx);
    const revoked = await revokeCredential(
      deps.db,
      actor(ctx),
      { resellerId: signedInReseller(ctx).id },
      ctx.params['prefix'] ?? '',
    );
    await redirectWithFlash(deps, ctx, '/portal/tokens', `Token ${revoked.prefix}… revoked.`);
  });
}
