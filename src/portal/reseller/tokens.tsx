import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import type { CoreDeps as AppDeps } from '../../services/deps';
import type { ApiCredential } from '../../db/models';
import { issueToken, listCredentials, revokeCredential } from '../../services/credentials';
import { AppError } from '../../services/errors';
import {
  attempt,
  field,
  fields,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { actor } from './access';
import { resellerPage } from './page';
import { RevokeTokenConfirm, TokensPage } from './tokens.view';

/** The API Tokens page: tokens with abilities, creating one (shown once), revoking one after a confirmation. */
export function addTokens(router: Router<PortalState>, deps: AppDeps): void {
  const tokensOf = async (ctx: PortalContext) =>
    (await listCredentials(deps.db, { resellerId: signedInReseller(ctx).id })).filter(
      (c) => c.kind === 'token',
    );

  /** The page, over the tokens already loaded when the caller has them. */
  const tokensPage = async (
    ctx: PortalContext,
    extra: {
      shown?: string;
      error?: AppError;
      values?: { name: string; abilities: string[]; expires: string };
      confirm?: VNode;
    } = {},
    loaded?: ApiCredential[],
  ) => {
    const tokens = loaded ?? (await tokensOf(ctx));
    resellerPage(
      ctx,
      'API Tokens',
      '/portal/tokens',
      <TokensPage tokens={tokens} extra={extra} csrf={ctx.state.page?.csrfToken} />,
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
    const tokens = await tokensOf(ctx);
    const token = tokens.find((c) => c.prefix === prefix && !c.revokedAt);
    if (!token) throw new AppError(404, 'credential_not_found', 'No such live token.');
    await tokensPage(
      ctx,
      { confirm: <RevokeTokenConfirm token={token} csrf={ctx.state.page?.csrfToken} /> },
      tokens,
    );
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
