import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import type { CoreDeps as AppDeps } from '../../services/deps';
import type { ApiCredential } from '../../db/models';
import { ipAllowed, isValidAllowlistEntry, normaliseIp } from '../../auth/credentials';
import {
  listCredentials,
  MAX_GRACE_SECONDS,
  regenerateApiKey,
  setApiWhitelist,
} from '../../services/credentials';
import type { AppError } from '../../services/errors';
import { when } from '../components';
import {
  attempt,
  field,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { AccessPage, GRACE_CHOICES, RegenerateConfirm, WhitelistConfirm } from './access.view';
import { resellerPage } from './page';

export const actor = (ctx: PortalContext) => `reseller:${signedInReseller(ctx).id}` as const;

/** The grace the form chose, among the offered ones (24 hours otherwise). */
const graceFrom = (ctx: PortalContext): number => {
  // The form's first step is a GET (nothing changes until the confirmation is posted).
  const given =
    field(ctx, 'grace_seconds') ||
    (typeof ctx.query['grace_seconds'] === 'string' ? ctx.query['grace_seconds'] : '');
  const chosen = Number(given || String(MAX_GRACE_SECONDS));
  return GRACE_CHOICES.some((c) => c.seconds === chosen) ? chosen : MAX_GRACE_SECONDS;
};

/** Seed 003's API Access page (the key and the IP whitelist) and seed 000's API Token page. */
export function addAccess(router: Router<PortalState>, deps: AppDeps): void {
  const keysOf = async (ctx: PortalContext) =>
    (await listCredentials(deps.db, { resellerId: signedInReseller(ctx).id })).filter(
      (c) => c.kind === 'api_key',
    );

  /** The page, over the keys already loaded when the caller has them. */
  const accessPage = async (
    ctx: PortalContext,
    extra: {
      shown?: { secret: string; note: string };
      whitelist?: string;
      error?: AppError;
      /** A confirmation step shown above the page. */
      confirm?: VNode;
    } = {},
    loaded?: ApiCredential[],
  ) => {
    const reseller = signedInReseller(ctx);
    const keys = loaded ?? (await keysOf(ctx));
    resellerPage(
      ctx,
      'API Access',
      '/portal/api-access',
      <AccessPage
        keys={keys}
        ips={extra.whitelist ?? reseller.apiIpAllowlist.join('\n')}
        extra={extra}
        csrf={ctx.state.page?.csrfToken}
      />,
      extra.error ? 422 : 200,
    );
  };

  router.get('/portal/api-access', (ctx) => accessPage(ctx));

  /** The confirmation step: which key stops working, and when. */
  const confirmRegenerate = async (ctx: PortalContext) => {
    const grace = graceFrom(ctx);
    const keys = await keysOf(ctx);
    const live = keys.filter((c) => !c.revokedAt);
    await accessPage(
      ctx,
      { confirm: <RegenerateConfirm live={live} grace={grace} csrf={ctx.state.page?.csrfToken} /> },
      keys,
    );
  };

  router.get('/portal/api-access/regenerate', confirmRegenerate);

  router.post('/portal/api-access/regenerate', async (ctx) => {
    if (field(ctx, 'confirm') !== 'yes') return confirmRegenerate(ctx);
    const grace = graceFrom(ctx);
    const res = await regenerateApiKey(deps.db, actor(ctx), signedInReseller(ctx).id, {
      graceSeconds: grace,
    });
    await accessPage(ctx, {
      shown: {
        secret: res.secret,
        note: res.replaced
          ? `The old key ${res.replaced.prefix}… stops working at ${when(res.replaced.revokedAt)}.`
          : 'This account had no API key; this is its first.',
      },
    });
  });

  router.post('/portal/api-access/whitelist', async (ctx) => {
    const text = field(ctx, 'ips');
    const entries = text.split(/[\s,]+/).filter(Boolean);
    // A valid list that shuts out the address this page is used from is confirmed first.
    const here = normaliseIp(ctx.ip);
    if (
      field(ctx, 'confirm') !== 'yes' &&
      entries.every(isValidAllowlistEntry) &&
      !ipAllowed(here, entries)
    ) {
      await accessPage(ctx, {
        whitelist: text,
        confirm: (
          <WhitelistConfirm entries={entries} here={here} ips={text} csrf={ctx.state.page?.csrfToken} />
        ),
      });
      return;
    }
    const res = await attempt(() => setApiWhitelist(deps.db, actor(ctx), signedInReseller(ctx).id, entries));
    if ('error' in res) {
      await accessPage(ctx, { whitelist: text, error: res.error });
      return;
    }
    await redirectWithFlash(
      deps,
      ctx,
      '/portal/api-access',
      res.ok.length === 0
        ? 'The whitelist is empty: /api/v1 and the legacy API now refuse every credential of this account.'
        : `Whitelist saved: ${res.ok.join(', ')}.`,
    );
  });
}
