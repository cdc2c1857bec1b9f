import { Router } from '@koa/router';
import { z } from 'zod';
import { contactDomains, findContact, listContacts, saveContact } from '../services/contacts';
import { definedFields, editContactAndPush, removeContact } from '../services/contact-push';
import { ContactDomainJson, ContactJson, presentContact, presentContactDomain } from '../views/contacts';
import type { AppDeps, AppState } from './http/context';
import { requireAuth } from './http/context';
import { answers } from './http/answers';
import { respond } from './http/envelope';
import { input, validate } from './http/validate';
import { requireAbility } from './middleware/auth';
import { idempotency } from './middleware/idempotency';
import {
  contactRequest,
  createContactRequest,
  listContactsRequest,
  updateContactRequest,
} from './contact-handles.schema';

const PushJson = z
  .object({
    id: z.string().describe("The push's run: one per handle and version."),
    domains: z.int(),
    status: z.literal('processing'),
  })
  .nullable()
  .describe(
    'The push of this version to the domains using the handle (null: none use it, or nothing changed).',
  );

/**
 * Contact handles: created once (the same person sent again is the same handle), listed, read
 * with the domains using them, edited (the new version pushed to those domains by a workflow,
 * paced by the registrar account's limits), and deleted only when no domain or running order
 * uses them. Served on both reseller surfaces.
 */
export function createContactsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const keyed = idempotency(deps.db, { required: false });
  const resellerOf = (ctx: { state: AppState }) => requireAuth(ctx).reseller;

  router.post(
    '/contacts',
    answers({ 201: z.object({ contact: ContactJson }), 200: z.object({ contact: ContactJson }) }),
    requireAbility('domains.write'),
    validate(createContactRequest),
    keyed,
    async (ctx) => {
      const { body } = input(ctx, createContactRequest);
      const saved = await saveContact(deps.db, resellerOf(ctx).id, body);
      respond(
        ctx,
        { contact: presentContact(saved.contact) },
        saved.created ? 'Contact created.' : 'A contact with these details exists already: this is it.',
        saved.created ? 201 : 200,
      );
    },
  );

  router.get(
    '/contacts',
    answers({
      200: z.object({
        contacts: z.array(ContactJson),
        pagination: z.object({ limit: z.int(), next_cursor: z.string().nullable() }),
      }),
    }),
    requireAbility('domains.read'),
    validate(listContactsRequest),
    async (ctx) => {
      const { query } = input(ctx, listContactsRequest);
      const page = await listContacts(deps.db, resellerOf(ctx).id, {
        limit: query.limit,
        afterId: query.cursor,
      });
      respond(ctx, {
        contacts: page.items.map(presentContact),
        pagination: { limit: query.limit, next_cursor: page.nextCursor },
      });
    },
  );

  router.get(
    '/contacts/:contact',
    answers({ 200: z.object({ contact: ContactJson, domains: z.array(ContactDomainJson) }) }, [
      'contact_not_found',
    ]),
    requireAbility('domains.read'),
    validate(contactRequest),
    async (ctx) => {
      const row = await findContact(deps.db, resellerOf(ctx).id, input(ctx, contactRequest).params.contact);
      respond(ctx, {
        contact: presentContact(row),
        domains: (await contactDomains(deps.db, row)).map(presentContactDomain),
      });
    },
  );

  router.patch(
    '/contacts/:contact',
    answers({ 200: z.object({ contact: ContactJson, push: PushJson }) }, [
      'contact_not_found',
      'contact_exists',
    ]),
    requireAbility('domains.write'),
    validate(updateContactRequest),
    keyed,
    async (ctx) => {
      const { params, body } = input(ctx, updateContactRequest);
      const edit = await editContactAndPush(deps, resellerOf(ctx), params.contact, definedFields(body));
      respond(
        ctx,
        {
          contact: presentContact(edit.contact),
          push: edit.push
            ? { id: edit.push, domains: edit.domains.length, status: 'processing' as const }
            : null,
        },
        !edit.changed
          ? 'Nothing changed.'
          : edit.push
            ? `Contact updated; the change is being sent to ${edit.domains.length} domain${edit.domains.length === 1 ? '' : 's'} at the registrar.`
            : 'Contact updated.',
      );
    },
  );

  router.delete(
    '/contacts/:contact',
    answers({ 200: z.null() }, ['contact_not_found', 'contact_in_use']),
    requireAbility('domains.write'),
    validate(contactRequest),
    async (ctx) => {
      await removeContact(deps, resellerOf(ctx), input(ctx, contactRequest).params.contact);
      respond(ctx, null, 'Contact deleted.');
    },
  );

  return router;
}
