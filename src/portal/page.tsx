import type { ComponentChildren } from 'preact';
import type { SessionKind } from '../services/sessions';
import { Layout, type NavItem } from './components';
import { AREAS, type PortalContext, render } from './http';

/** A page: where it is rendered, its title, which navigation entry is current, its content, its status. */
export type PageArgs = [
  ctx: PortalContext,
  title: string,
  current: string,
  body: ComponentChildren,
  status?: number,
];

/** Renders a signed-in page of an area inside its layout (navigation, sign-out, the flash message). */
export function areaPage(
  kind: SessionKind,
  nav: NavItem[],
  ...[ctx, title, current, body, status = 200]: PageArgs
): void {
  render(
    ctx,
    <Layout
      title={title}
      area={AREAS[kind].title}
      nav={nav}
      current={current}
      signedInAs={ctx.state.page?.subject.email}
      csrf={ctx.state.page?.csrfToken}
      signOutAction={`${AREAS[kind].path}/sign-out`}
      flash={ctx.state.page?.flash}
    >
      {body}
    </Layout>,
    status,
  );
}
