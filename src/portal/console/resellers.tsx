import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { adjustWallet } from '../../services/adjustments';
import { listCredentials, revokeCredential } from '../../services/credentials';
import { decodeCursor } from '../../services/domains';
import { AppError } from '../../services/errors';
import { formatMarkup, listTiers, parseMarkup } from '../../services/markup-tiers';
import { latestOrderRows } from '../../services/order-lists';
import {
  createReseller,
  listResellers,
  setResellerStatus,
  showReseller,
  updateReseller,
} from '../../services/resellers';
import { createSignInLink } from '../../services/sessions';
import { Confirm, ShownOnce } from '../components';
import { attempt, field, idFrom, type PortalContext, type PortalState, redirectWithFlash } from '../http';
import { actorOf, consolePage } from './page';
import { ResellerDetail, ResellerList } from './resellers.view';

/** Resellers: search, create (credentials shown once), overview, suspend, markup, wallet adjustments, credentials. */
export function addConsoleResellers(router: Router<PortalState>, deps: AppDeps): void {
  const listPage = async (
    ctx: PortalContext,
    extra: { error?: AppError; values?: Record<string, string> } = {},
  ) => {
    const q = typeof ctx.query['q'] === 'string' ? ctx.query['q'] : '';
    const after =
      typeof ctx.query['cursor'] === 'string' ? (decodeCursor(ctx.query['cursor']) ?? undefined) : undefined;
    const [page, tiers] = await Promise.all([
      listResellers(deps.db, { q: q || undefined, afterId: after, limit: 25 }),
      listTiers(deps.db),
    ]);
    consolePage(
      ctx,
      'Resellers',
      '/console/resellers',
      <ResellerList page={page} tiers={tiers} q={q} extra={extra} csrf={ctx.state.page?.csrfToken} />,
      extra.error ? 422 : 200,
    );
  };

  router.get('/console/resellers', (ctx) => listPage(ctx));

  router.post('/console/resellers', async (ctx) => {
    const values = {
      name: field(ctx, 'name'),
      email: field(ctx, 'email'),
      currency: field(ctx, 'currency'),
      ips: field(ctx, 'ips'),
    };
    const res = await attempt(() =>
      createReseller(
        deps.db,
        {
          name: values.name,
          email: values.email,
          currency: values.currency || 'USD',
          ipAllowlist: values.ips.split(/[\s,]+/).filter(Boolean),
          markupTier: field(ctx, 'markup_tier') || undefined,
        },
        actorOf(ctx),
      ),
    );
    if ('error' in res) {
      await listPage(ctx, { error: res.error, values });
      return;
    }
    consolePage(
      ctx,
      `Reseller ${res.ok.reseller.name} created`,
      '/console/resellers',
      <>
        <ShownOnce label="X-API-KEY" secret={res.ok.apiKey} />
        <ShownOnce
          label="Bearer token"
          secret={res.ok.token}
          note="Hand both over now over a safe channel."
        />
        <p>
          <a href={`/console/resellers/${res.ok.reseller.id}`}>Go to the reseller</a>
        </p>
      </>,
      201,
    );
  });

  const detailPage = async (
    ctx: PortalContext,
    extra: { link?: string; error?: AppError; confirm?: VNode } = {},
  ) => {
    const o = await showReseller(deps.db, idFrom(ctx, 'reseller'));
    const [creds, orders, tiers] = await Promise.all([
      listCredentials(deps.db, { resellerId: o.reseller.id }),
      latestOrderRows(deps.db, o.reseller.id, 10),
      listTiers(deps.db),
    ]);
    consolePage(
      ctx,
      `${o.reseller.name} (#${o.reseller.id})`,
      '/console/resellers',
      <ResellerDetail
        data={{ overview: o, creds, orders, tiers }}
        csrf={ctx.state.page?.csrfToken}
        extra={extra}
        temporalUi={deps.config}
      />,
      extra.error ? 422 : 200,
    );
  };

  router.get('/console/resellers/:reseller', (ctx) => detailPage(ctx));

  for (const [path, status] of [
    ['suspend', 'suspended'],
    ['reactivate', 'active'],
  ] as const) {
    router.post(`/console/resellers/:reseller/${path}`, async (ctx) => {
      const id = idFrom(ctx, 'reseller');
      const r = await setResellerStatus(deps.db, actorOf(ctx), id, status, field(ctx, 'reason') || undefined);
      await redirectWithFlash(
        deps,
        ctx,
        `/console/resellers/${r.id}`,
        status === 'suspended' ? 'Suspended: its credentials are refused from now on.' : 'Reactivated.',
      );
    });
  }

  router.post('/console/resellers/:reseller/markup', async (ctx) => {
    const id = idFrom(ctx, 'reseller');
    const tier = field(ctx, 'markup_tier');
    const own = field(ctx, 'markup').trim();
    const res = await attempt(() =>
      updateReseller(
        deps.db,
        actorOf(ctx),
        id,
        tier ? { markupTier: tier } : { markupBps: parseMarkup(own || '0%') },
      ),
    );
    if ('error' in res) await detailPage(ctx, { error: res.error });
    else
      await redirectWithFlash(
        deps,
        ctx,
        `/console/resellers/${id}`,
        `Markup now ${formatMarkup(res.ok.markupBps)}.`,
      );
  });

  router.post('/console/resellers/:reseller/adjust', async (ctx) => {
    const id = idFrom(ctx, 'reseller');
    const res = await attempt(() =>
      adjustWallet(deps.db, actorOf(ctx), id, {
        direction: field(ctx, 'direction') === 'debit' ? 'debit' : 'credit',
        amount: field(ctx, 'amount'),
        reason: field(ctx, 'reason'),
        idempotencyKey: field(ctx, 'key') || randomUUID(),
      }),
    );
    if ('error' in res) await detailPage(ctx, { error: res.error });
    else await redirectWithFlash(deps, ctx, `/console/resellers/${id}`, 'Adjustment posted.');
  });

  /** Names the credential and what stops working; nothing is revoked until this is confirmed. */
  const confirmRevoke = async (ctx: PortalContext) => {
    const id = idFrom(ctx, 'reseller');
    const prefix = ctx.params['prefix'] ?? '';
    const live = (await listCredentials(deps.db, { resellerId: id })).find(
      (c) => c.prefix === prefix && !c.revokedAt,
    );
    if (!live) throw new AppError(404, 'credential_not_found', 'No such live credential.');
    const what = live.kind === 'api_key' ? 'API key' : 'token';
    await detailPage(ctx, {
      confirm: (
        <Confirm
          title={`Revoke the ${what} ${live.prefix}…?`}
          action={`/console/resellers/${id}/credentials/${encodeURIComponent(live.prefix)}/revoke`}
          csrf={ctx.state.page?.csrfToken}
          confirmLabel="Yes, revoke it now"
          cancelHref={`/console/resellers/${id}`}
        >
          <p data-consequence>
            The reseller's {what} “{live.name}” ({live.abilities.join(', ')}) stops working{' '}
            <strong>at once</strong>: every request their integration makes with it gets 401. This cannot be
            undone.
          </p>
        </Confirm>
      ),
    });
  };

  router.get('/console/resellers/:reseller/credentials/:prefix/revoke', confirmRevoke);

  router.post('/console/resellers/:reseller/credentials/:prefix/revoke', async (ctx) => {
    if (field(ctx, 'confirm') !== 'yes') return confirmRevoke(ctx);
    const id = idFrom(ctx, 'reseller');
    await revokeCredential(deps.db, actorOf(ctx), { resellerId: id }, ctx.params['prefix'] ?? '');
    await redirectWithFlash(deps, ctx, `/console/resellers/${id}`, 'Credential revoked.');
  });

  router.post('/console/resellers/:reseller/sign-in-link', async (ctx) => {
    const id = idFrom(ctx, 'reseller');
    const token = await createSignInLink(deps.db, 'reseller', id);
    await detailPage(ctx, { link: `${ctx.origin}/portal/sign-in/link/${token}` });
  });
}
