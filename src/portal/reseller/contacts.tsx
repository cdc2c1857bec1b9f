import type { Router } from '@koa/router';
import { parseContact, parseContactPatch } from '../../services/contact-schema';
import {
  CONTACT_FIELDS,
  contactDomains,
  findContact,
  listContacts,
  saveContact,
} from '../../services/contacts';
import { editContactAndPush, removeContact } from '../../services/contact-push';
import type { CoreDeps as AppDeps } from '../../services/deps';
import type { AppError } from '../../services/errors';
import {
  attempt,
  field,
  type PortalContext,
  type PortalState,
  redirectWithFlash,
  signedInReseller,
} from '../http';
import { ContactList, ContactPage, type ContactValues } from './contacts.view';
import { resellerPage } from './page';

const NAMES = CONTACT_FIELDS;

/** The form's values, trimmed (an empty optional field clears it). */
const formValues = (ctx: PortalContext): ContactValues =>
  Object.fromEntries(NAMES.map((n) => [n, field(ctx, n).trim()])) as ContactValues;
/** Required fields left empty are absent, so the validation names them as missing. */
const present = (v: ContactValues) =>
  Object.fromEntries(
    Object.entries(v).filter(([k, x]) => x !== '' || ['organization', 'address2', 'state'].includes(k)),
  );

/** The Contacts page: the reseller's contact handles, one handle with its domains, create, edit (pushed), delete. */
export function addContacts(router: Router<PortalState>, deps: AppDeps): void {
  const me = (ctx: PortalContext) => signedInReseller(ctx);

  const listPage = async (ctx: PortalContext, extra: { error?: AppError; values?: ContactValues } = {}) => {
    const page = await listContacts(deps.db, me(ctx).id, { limit: 100 });
    resellerPage(
      ctx,
      'Contacts',
      '/portal/contacts',
      <ContactList rows={page.items} extra={extra} csrf={ctx.state.page?.csrfToken} />,
      extra.error ? 422 : 200,
    );
  };

  const contactPage = async (
    ctx: PortalContext,
    extra: { error?: AppError; values?: ContactValues } = {},
  ) => {
    const contact = await findContact(deps.db, me(ctx).id, ctx.params['contact'] ?? '');
    resellerPage(
      ctx,
      `Contact ${contact.name}`,
      '/portal/contacts',
      <ContactPage
        contact={contact}
        domains={await contactDomains(deps.db, contact)}
        extra={extra}
        csrf={ctx.state.page?.csrfToken}
      />,
      extra.error ? 422 : 200,
    );
  };

  router.get('/portal/contacts', (ctx) => listPage(ctx));
  router.get('/portal/contacts/:contact', (ctx) => contactPage(ctx));

  router.post('/portal/contacts', async (ctx) => {
    const values = formValues(ctx);
    const res = await attempt(async () => saveContact(deps.db, me(ctx).id, parseContact(present(values))));
    if ('error' in res) return listPage(ctx, { error: res.error, values });
    await redirectWithFlash(
      deps,
      ctx,
      `/portal/contacts/${encodeURIComponent(res.ok.contact.publicId)}`,
      res.ok.created ? 'Contact added.' : 'A contact with these details exists already: this is it.',
    );
  });

  router.post('/portal/contacts/:contact', async (ctx) => {
    const id = ctx.params['contact'] ?? '';
    const values = formValues(ctx);
    const res = await attempt(async () =>
      editContactAndPush(deps, me(ctx), id, parseContactPatch(present(values))),
    );
    if ('error' in res) return contactPage(ctx, { error: res.error, values });
    const n = res.ok.domains.length;
    await redirectWithFlash(
      deps,
      ctx,
      `/portal/contacts/${encodeURIComponent(id)}`,
      !res.ok.changed
        ? 'Nothing changed.'
        : res.ok.push
          ? `Saved. The change is being sent to the registrar for ${n} domain${n === 1 ? '' : 's'}.`
          : 'Saved.',
    );
  });

  router.post('/portal/contacts/:contact/delete', async (ctx) => {
    const id = ctx.params['contact'] ?? '';
    const res = await attempt(() => removeContact(deps, me(ctx), id));
    if ('error' in res)
      await redirectWithFlash(deps, ctx, `/portal/contacts/${encodeURIComponent(id)}`, res.error.message);
    else await redirectWithFlash(deps, ctx, '/portal/contacts', `Contact ${id} deleted.`);
  });
}
