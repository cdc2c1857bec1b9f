import { type ComponentChildren, h, type VNode } from 'preact';
import { type MoneyJson, SUPPORTED_CURRENCIES } from '../money';

/* The pieces every page is built from. Text is always escaped by the renderer (JSX children and
 * attributes); nothing here writes raw HTML. */

export interface NavItem {
  href: string;
  label: string;
}

export function Layout(props: {
  title: string;
  area: string;
  nav: NavItem[];
  current?: string;
  signedInAs?: string | undefined;
  csrf?: string | undefined;
  signOutAction?: string;
  flash?: string | null | undefined;
  children: ComponentChildren;
}): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${props.area}`}</title>
        <link rel="stylesheet" href="/assets/pico.classless.min.css" />
        <link rel="stylesheet" href="/assets/portal.css" />
      </head>
      <body>
        <header>
          <nav aria-label="Main">
            <ul>
              <li>
                <strong>{props.area}</strong>
              </li>
            </ul>
            {props.nav.length > 0 && (
              <ul>
                {props.nav.map((n) => (
                  <li key={n.href}>
                    <a href={n.href} aria-current={props.current === n.href ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </nav>
          {props.signedInAs && props.signOutAction && (
            <form method="post" action={props.signOutAction} class="sign-out">
              <small>Signed in as {props.signedInAs}</small> <Csrf token={props.csrf} />
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.flash && (
            <p role="status" class="notice">
              {props.flash}
            </p>
          )}
          {props.children}
        </main>
      </body>
    </html>
  );
}

export const Csrf = (props: { token: string | undefined }): VNode | null =>
  props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;

/** A labelled input with its field errors (the same errors the API gives). */
export function Field(props: {
  name: string;
  /** When the same field appears in several forms of a page. */
  id?: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'url' | 'search';
  value?: string | undefined;
  errors?: Record<string, string[]> | undefined;
  hint?: string;
  required?: boolean;
  autocomplete?: 'email' | 'current-password' | 'new-password' | 'off';
  placeholder?: string;
}): VNode {
  const id = props.id ?? `f-${props.name}`;
  const errors = props.errors?.[props.name] ?? [];
  return (
    <label for={id}>
      {props.label}
      {h('input', {
        id,
        name: props.name,
        type: props.type ?? 'text',
        value: props.value ?? '',
        required: props.required,
        autocomplete: props.autocomplete,
        placeholder: props.placeholder,
        'aria-invalid': errors.length > 0 ? 'true' : undefined,
        'aria-describedby': errors.length > 0 || props.hint ? `${id}-help` : undefined,
      } as Record<string, unknown>)}
      {(errors.length > 0 || props.hint) && (
        <small id={`${id}-help`}>{errors.length > 0 ? errors.join(' ') : props.hint}</small>
      )}
    </label>
  );
}

/** Field errors that belong to no single input (or to one this form does not show). */
export function Errors(props: {
  message?: string | undefined;
  errors?: Record<string, string[]> | undefined;
  shown?: string[];
}): VNode | null {
  const rest = Object.entries(props.errors ?? {}).filter(([k]) => !(props.shown ?? []).includes(k));
  if (!props.message && rest.length === 0) return null;
  return (
    <div role="alert" class="error">
      {props.message && <p>{props.message}</p>}
      {rest.length > 0 && (
        <ul>
          {rest.map(([k, v]) => (
            <li key={k}>
              {k}: {v.join(' ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A secret shown this once, with what to do about it. */
export function ShownOnce(props: { label: string; secret: string; note?: string }): VNode {
  return (
    <article class="secret" aria-labelledby="secret-label">
      <h2 id="secret-label">{props.label}</h2>
      <p>This is shown once and never again: copy it now. Only a hash of it is kept.</p>
      <pre>
        <code data-secret="true">{props.secret}</code>
      </pre>
      {props.note && <p>{props.note}</p>}
    </article>
  );
}

/** A select of the currencies the product bills in. */
export function CurrencySelect(props: { id: string; selected?: string | undefined }): VNode {
  return (
    <label for={props.id}>
      Currency
      <select id={props.id} name="currency">
        {SUPPORTED_CURRENCIES.map((c) => (
          <option value={c} selected={(props.selected ?? 'USD') === c} key={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

export const Money = (props: { value: MoneyJson }): VNode => (
  <span class="money">
    {props.value.amount}
    {'\u00a0'}
    {props.value.currency}
  </span>
);

/** The status in words, and for an order that did not complete, why (the order's own message). */
export const OrderStatus = (props: {
  order: { status: string; failure: { code: string; message: string | null } | null };
}) => (
  <span class={`status status-${props.order.status}`} data-status={props.order.status}>
    {props.order.status.replace('_', ' ')}
    {props.order.failure && (
      <span class="reason" data-reason>
        : {props.order.failure.message ?? props.order.failure.code.replace(/_/g, ' ')}
      </span>
    )}
  </span>
);

/** A table that scrolls sideways on a narrow screen instead of overflowing it. */
export function Table(props: {
  caption: string;
  head: string[];
  rows: ComponentChildren[][];
  empty?: string;
}): VNode {
  if (props.rows.length === 0) return <p>{props.empty ?? 'Nothing yet.'}</p>;
  return (
    <figure class="table">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A one-button form (revoke, pay, suspend…), CSRF included. */
export function Action(props: {
  action: string;
  label: string;
  csrf: string | undefined;
  hidden?: Record<string, string>;
  secondary?: boolean;
  children?: ComponentChildren;
}): VNode {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      {Object.entries(props.hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} key={k} />
      ))}
      {props.children}
      <button type="submit" class={props.secondary ? 'secondary' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/**
 * The confirmation step of an action that can break something that works now (a key that stops,
 * a token revoked, an address shut out): says what stops working, and only its danger button,
 * with `confirm=yes`, carries the action out. No script: the step is a page of its own.
 */
export function Confirm(props: {
  title: string;
  children: ComponentChildren;
  action: string;
  csrf: string | undefined;
  hidden?: Record<string, string>;
  confirmLabel: string;
  cancelHref: string;
}): VNode {
  return (
    <section class="confirm" aria-labelledby="confirm-h">
      <h2 id="confirm-h">{props.title}</h2>
      {props.children}
      <form method="post" action={props.action}>
        <Csrf token={props.csrf} />
        {Object.entries(props.hidden ?? {}).map(([k, v]) => (
          <input type="hidden" name={k} value={v} key={k} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">
          {props.confirmLabel}
        </button>
      </form>
      <a href={props.cancelHref}>Cancel, change nothing</a>
    </section>
  );
}

/** "Next page" for keyset-paginated lists. */
export const Next = (props: { href: string | null }): VNode | null =>
  props.href ? (
    <p>
      <a href={props.href}>Next page →</a>
    </p>
  ) : null;

export const when = (d: string | Date | null | undefined): string =>
  d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—';
