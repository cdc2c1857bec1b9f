import type { Router } from '@koa/router';
import type { VNode } from 'preact';
import type { CoreDeps as AppDeps } from '../../services/deps';
import { ipAllowed, isValidAllowlistEntry, normaliseIp } from '../../auth/credentials';
import type { ApiCredential } from '../../db/models';
import {
  listCredentials,
  MAX_GRACE_SECONDS,
  regenerateApiKey,
  setApiWhitelist,
} from '../../services/credentials';
import { type AppError } from '../../services/errors';
import { Confirm, Csrf, Errors, ShownOnce, Table, when } from '../components';
import {
  attempt,
  field,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { resellerPage } from './page';

export const actor = (ctx: PortalContext) => `reseller:${signedInReseller(ctx).id}` as const;
export const status = (c: ApiCredential) =>
  c.revokedAt
    ? c.revokedAt.getTime() > Date.now()
      ? `stops ${when(c.revokedAt)}`
      : 'revoked'
    : c.expiresAt && c.expiresAt.getTime() <= Date.now()
      ? 'expired'
      : 'live';

/** How long a regenerated key's predecessor keeps working: 24 hours unless chosen otherwise. */
const GRACE_CHOICES = [
  { seconds: MAX_GRACE_SECONDS, label: '24 hours (integrations have a day to switch)' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 0, label: 'no time: stop it at once' },
] as const;
const graceFrom = (ctx: PortalContext): number => {
  // The form's first step is a GET (nothing changes until the confirmation is posted).
  const given =
    field(ctx, 'grace_seconds') ||
    (typeof ctx.query['grace_seconds'] === 'string' ? ctx.query['grace_seconds'] : '');
  const chosen = Number(given || String(MAX_GRACE_SECONDS));
  return GRACE_CHOICES.some((c) => c.seconds === chosen) ? chosen : MAX_GRACE_SECONDS;
};
const graceWords = (seconds: number) =>
  seconds === 0 ? 'at once' : seconds === 3600 ? 'in 1 hour' : 'in 24 hours';

/** Seed 003's API Access page (the key and the IP whitelist) and seed 000's API Token page. */
export function addAccess(router: Router<PortalState>, deps: AppDeps): void {
  const accessPage = async (
    ctx: PortalContext,
    extra: {
      shown?: { secret: string; note: string };
      whitelist?: string;
      error?: AppError;
      /** A confirmation step shown above the page. */
      confirm?: VNode;
    } = {},
  ) => {
    const reseller = signedInReseller(ctx);
    const keys = (await listCredentials(deps.db, { resellerId: reseller.id })).filter(
      (c) => c.kind === 'api_key',
    );
    const csrf = ctx.state.page?.csrfToken;
    const ips = extra.whitelist ?? reseller.apiIpAllowlist.join('\n');
    resellerPage(
      ctx,
      'API Access',
      '/portal/api-access',
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
              Regenerate the API key if it may have been exposed. The new key is shown once; you confirm on
              the next step.
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
      </>,
      extra.error ? 422 : 200,
    );
  };

  router.get('/portal/api-access', (ctx) => accessPage(ctx));

  /** The confirmation step: which key stops working, and when. */
  const confirmRegenerate = async (ctx: PortalContext) => {
    const grace = graceFrom(ctx);
    const live = (await listCredentials(deps.db, { resellerId: signedInReseller(ctx).id })).filter(
      (c) => c.kind === 'api_key' && !c.revokedAt,
    );
    await accessPage(ctx, {
      confirm: (
        <Confirm
          title="Regenerate the API key?"
          action="/portal/api-access/regenerate"
          csrf={ctx.state.page?.csrfToken}
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
      ),
    });
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
          <Confirm
            title="Shut out your own address?"
            action="/portal/api-access/whitelist"
            csrf={ctx.state.page?.csrfToken}
            hidden={{ ips: text }}
            confirmLabel="Yes, save the whitelist"
            cancelHref="/portal/api-access"
          >
            <p data-consequence>
              {entries.length === 0
                ? 'The list is empty: every API key and token of this account is refused (403) on /api/v1 and the legacy API, from everywhere.'
                : `Your current address ${here} is not in the new list: API requests from this address will be refused (403) once it is saved.`}
            </p>
          </Confirm>
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
