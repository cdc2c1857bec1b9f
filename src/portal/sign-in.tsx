import type { Router } from '@koa/router';
import type { CoreDeps as AppDeps } from '../services/deps';
import { AppError } from '../services/errors';
import { endSession, type SessionKind, signIn, useSignInLink } from '../services/sessions';
import { Csrf, Errors, Field, Layout } from './components';
import {
  AREAS,
  cookieOptions,
  field,
  type PortalState,
  preSessionCsrf,
  preSessionCsrfMatches,
  redirect,
  render,
  type SignInThrottle,
} from './http';

function SignInPage(props: {
  kind: SessionKind;
  csrf: string;
  email?: string;
  message?: string | undefined;
  link?: string | undefined;
}) {
  const area = AREAS[props.kind];
  return (
    <Layout title="Sign in" area={area.title} nav={[]}>
      <Errors message={props.message} />
      {props.link ? (
        <form method="post" action={`${area.path}/sign-in/link`}>
          <p>This one-time link signs you in once, within an hour of being made.</p>
          <Csrf token={props.csrf} />
          <input type="hidden" name="token" value={props.link} />
          <button type="submit">Continue and sign in</button>
        </form>
      ) : (
        <form method="post" action={`${area.path}/sign-in`}>
          <Csrf token={props.csrf} />
          <Field name="email" label="Email" type="email" value={props.email} required autocomplete="email" />
          <Field name="password" label="Password" type="password" required autocomplete="current-password" />
          <button type="submit">Sign in</button>
        </form>
      )}
    </Layout>
  );
}

/** Sign-in (password or one-time link) and sign-out for one area (`/portal` or `/console`). */
export function addSignIn(
  router: Router<PortalState>,
  deps: AppDeps,
  kind: SessionKind,
  throttle: SignInThrottle,
): void {
  const area = AREAS[kind];
  const meta = (ctx: { ip: string; get(h: string): string }) => ({
    ip: ctx.ip,
    userAgent: ctx.get('User-Agent'),
  });
  const started = (ctx: Parameters<typeof redirect>[0], token: string) => {
    ctx.cookies.set(area.cookie, token, cookieOptions(deps, kind));
    redirect(ctx, area.path);
  };
  const refuse = (status: number, message: string): never => {
    throw new AppError(status, 'csrf_failed', message);
  };

  router.get(`${area.path}/sign-in`, (ctx) => {
    render(ctx, <SignInPage kind={kind} csrf={preSessionCsrf(ctx, deps, kind)} />);
  });

  router.post(`${area.path}/sign-in`, async (ctx) => {
    if (!preSessionCsrfMatches(ctx, kind))
      refuse(403, 'This sign-in form has expired. Reload the page and try again.');
    const csrf = preSessionCsrf(ctx, deps, kind);
    const email = field(ctx, 'email');
    const wait = await throttle.blocked(ctx, kind);
    if (wait > 0) {
      ctx.set('Retry-After', String(wait));
      render(
        ctx,
        <SignInPage
          kind={kind}
          csrf={csrf}
          email={email}
          message={`Too many attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`}
        />,
        429,
      );
      return;
    }
    try {
      const token = await signIn(deps.db, kind, email, field(ctx, 'password'), meta(ctx));
      await throttle.succeeded(ctx, kind);
      started(ctx, token);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 401) throw err;
      await throttle.failed(ctx, kind);
      render(ctx, <SignInPage kind={kind} csrf={csrf} email={email} message={err.message} />, 401);
    }
  });

  router.get(`${area.path}/sign-in/link/:token`, (ctx) => {
    render(ctx, <SignInPage kind={kind} csrf={preSessionCsrf(ctx, deps, kind)} link={ctx.params['token']} />);
  });

  router.post(`${area.path}/sign-in/link`, async (ctx) => {
    if (!preSessionCsrfMatches(ctx, kind)) refuse(403, 'This sign-in form has expired. Open the link again.');
    const token = await useSignInLink(deps.db, kind, field(ctx, 'token'), meta(ctx));
    if (!token) {
      render(
        ctx,
        <SignInPage
          kind={kind}
          csrf={preSessionCsrf(ctx, deps, kind)}
          message="This link was used already or has expired. Ask for a new one."
        />,
        401,
      );
      return;
    }
    started(ctx, token);
  });

  router.post(`${area.path}/sign-out`, async (ctx) => {
    await endSession(deps.db, ctx.state.page?.token);
    ctx.cookies.set(area.cookie, null, cookieOptions(deps, kind));
    redirect(ctx, `${area.path}/sign-in`);
  });
}
