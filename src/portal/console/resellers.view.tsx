import { randomUUID } from 'node:crypto';
import type { VNode } from 'preact';
import type { ApiCredential } from '../../db/models';
import { moneyJson } from '../../money';
import type { AppError } from '../../services/errors';
import { formatMarkup, type listTiers } from '../../services/markup-tiers';
import type { latestOrderRows } from '../../services/order-lists';
import type { listResellers, ResellerOverview } from '../../services/resellers';
import { workflowUrl } from '../../temporal/ui-links';
import { presentOrder } from '../../views/orders';
import {
  Action,
  Csrf,
  CurrencySelect,
  Errors,
  Field,
  Money,
  Next,
  OrderStatus,
  ShownOnce,
  Table,
  when,
} from '../components';
import { encodeCursor } from '../../services/domains';

/* The console's reseller pages, markup only; resellers.tsx loads their data and handles the forms. */

/** The resellers found (by name or email, paged) and the form creating one. */
export function ResellerList(props: {
  page: Awaited<ReturnType<typeof listResellers>>;
  tiers: Awaited<ReturnType<typeof listTiers>>;
  q: string;
  extra: { error?: AppError; values?: Record<string, string> };
  csrf: string | undefined;
}): VNode {
  const { page, tiers, q, extra, csrf } = props;
  const v = extra.values ?? {};
  return (
    <>
      <form method="get" action="/console/resellers" role="search" class="filters">
        <label for="s-q">
          Name or email
          <input id="s-q" name="q" type="search" value={q} />
        </label>
        <button type="submit">Search</button>
      </form>
      <Table
        caption="Resellers"
        head={['Id', 'Name', 'Email', 'Status', 'Currency', 'Markup']}
        rows={page.items.map((r) => [
          String(r.id),
          <a href={`/console/resellers/${r.id}`}>{r.name}</a>,
          r.email,
          <span data-status={r.status}>{r.status}</span>,
          r.currency.trim(),
          formatMarkup(r.markupBps),
        ])}
        empty="No resellers match."
      />
      <Next
        href={
          page.more && page.lastId !== null
            ? `/console/resellers?q=${encodeURIComponent(q)}&cursor=${encodeCursor(page.lastId)}`
            : null
        }
      />
      <section aria-labelledby="new-r-h">
        <h2 id="new-r-h">New reseller</h2>
        <Errors message={extra.error?.message} errors={extra.error?.errors} shown={['name', 'email']} />
        <form method="post" action="/console/resellers">
          <Csrf token={csrf} />
          <Field name="name" label="Name" value={v['name']} errors={extra.error?.errors} required />
          <Field
            name="email"
            label="Email"
            type="email"
            value={v['email']}
            errors={extra.error?.errors}
            required
          />
          <CurrencySelect id="f-currency" selected={v['currency']} />
          <label for="f-tier">
            Markup tier
            <select id="f-tier" name="markup_tier">
              <option value="">none</option>
              {tiers.map((t) => (
                <option value={t.name} key={t.name}>
                  {t.name} ({formatMarkup(t.markupBps)})
                </option>
              ))}
            </select>
          </label>
          <Field
            name="ips"
            label="API whitelist (IPs or CIDRs, comma-separated)"
            value={v['ips']}
            errors={extra.error?.errors}
            hint="Empty blocks /api/v1 and the legacy API until set."
          />
          <button type="submit">Create reseller</button>
        </form>
      </section>
    </>
  );
}

/** A reseller's page in the console. */
export function ResellerDetail(props: {
  data: {
    overview: ResellerOverview;
    creds: ApiCredential[];
    orders: Awaited<ReturnType<typeof latestOrderRows>>;
    tiers: Awaited<ReturnType<typeof listTiers>>;
  };
  csrf: string | undefined;
  extra: { link?: string; error?: AppError; confirm?: VNode };
  temporalUi: Parameters<typeof workflowUrl>[0];
}): VNode {
  const { overview: o, creds, orders, tiers } = props.data;
  const { csrf, extra } = props;
  const c = o.balance.currency;
  const base = `/console/resellers/${o.reseller.id}`;
  return (
    <>
      {extra.confirm}
      {extra.link && <ShownOnce label="One-time sign-in link (valid for an hour)" secret={extra.link} />}
      <Errors message={extra.error?.message} errors={extra.error?.errors} />
      <dl class="figures">
        <dt>Status</dt>
        <dd data-figure="status">{o.reseller.status}</dd>
        <dt>Email</dt>
        <dd>{o.reseller.email}</dd>
        <dt>Balance / held / available</dt>
        <dd>
          <Money value={moneyJson(o.balance.posted, c)} /> / <Money value={moneyJson(-o.balance.held, c)} /> /{' '}
          <Money value={moneyJson(o.balance.available, c)} />
        </dd>
        <dt>Domains / open orders</dt>
        <dd>
          {o.domains} / {o.openOrders}
        </dd>
        <dt>Markup</dt>
        <dd>
          {formatMarkup(o.reseller.markupBps)} {o.tier ? `(tier ${o.tier})` : ''}
        </dd>
        <dt>API whitelist</dt>
        <dd>{o.reseller.apiIpAllowlist.join(', ') || 'empty: /api/v1 blocked'}</dd>
      </dl>
      <p>
        {o.reseller.status === 'active' ? (
          <Action action={`${base}/suspend`} label="Suspend" csrf={csrf}>
            <Field name="reason" id="suspend-reason" label="Reason for suspending" />
          </Action>
        ) : (
          <Action action={`${base}/reactivate`} label="Reactivate" csrf={csrf} />
        )}{' '}
        <Action action={`${base}/sign-in-link`} label="Make a sign-in link" csrf={csrf} secondary />
      </p>
      <h2>Markup</h2>
      <form method="post" action={`${base}/markup`}>
        <Csrf token={csrf} />
        <label for="m-tier">
          Tier
          <select id="m-tier" name="markup_tier">
            <option value="">none (own markup below)</option>
            {tiers.map((t) => (
              <option value={t.name} selected={o.tier === t.name} key={t.name}>
                {t.name} ({formatMarkup(t.markupBps)})
              </option>
            ))}
          </select>
        </label>
        <Field
          name="markup"
          label="Own markup (such as 12.5%)"
          value={o.tier ? '' : formatMarkup(o.reseller.markupBps)}
        />
        <button type="submit">Save markup</button>
      </form>
      <h2>Wallet adjustment</h2>
      <form method="post" action={`${base}/adjust`}>
        <Csrf token={csrf} />
        <input type="hidden" name="key" value={randomUUID()} />
        <label for="a-dir">
          Direction
          <select id="a-dir" name="direction">
            <option value="credit">credit (add)</option>
            <option value="debit">debit (take)</option>
          </select>
        </label>
        <Field name="amount" id="adjust-amount" label={`Amount (${c})`} required />
        <Field name="reason" id="adjust-reason" label="Reason (kept in the audit trail)" required />
        <button type="submit">Post adjustment</button>
      </form>
      <h2>Credentials</h2>
      <Table
        caption="API keys and tokens"
        head={['Prefix', 'Kind', 'Name', 'Abilities', 'Last used', 'Expires', 'Revoked', '']}
        rows={creds.map((k) => [
          <code>{k.prefix}</code>,
          k.kind,
          k.name,
          k.abilities.join(', '),
          when(k.lastUsedAt),
          when(k.expiresAt),
          when(k.revokedAt),
          k.revokedAt ? (
            ''
          ) : (
            <a href={`${base}/credentials/${encodeURIComponent(k.prefix)}/revoke`}>Revoke…</a>
          ),
        ])}
      />
      <h2>Latest orders</h2>
      <Table
        caption="Latest orders"
        head={['Domain', 'Action', 'Status', 'Amount', 'Placed', 'Order', 'Workflow']}
        rows={orders.map(({ row, order }) => {
          const p = presentOrder(order);
          return [
            p.domain_name,
            p.action,
            <OrderStatus order={p} />,
            <Money value={p.amount} />,
            when(p.created_at),
            <code>{p.id}</code>,
            <a href={workflowUrl(props.temporalUi, row.workflowId)}>in the Temporal UI</a>,
          ];
        })}
      />
    </>
  );
}
