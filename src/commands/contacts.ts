import type { Command } from 'commander';
import { CONTACT_FIELDS, contactDomains, findContact, listContacts, saveContact } from '../services/contacts';
import { editContactAndPush, removeContact } from '../services/contact-push';
import { parseContact, parseContactPatch } from '../services/contact-schema';
import { AppError } from '../services/errors';
import { presentContact, presentContactDomain } from '../views/contacts';
import { jsonOption, positiveInt, printRecord, printRows, withCore, withDb } from './context';

const resellerId = positiveInt('--reseller');

function withFields(cmd: Command): Command {
  for (const f of CONTACT_FIELDS) cmd.option(`--${f} <value>`, `the contact's ${f}`);
  return cmd;
}

/** The options given among the contact's fields. */
const given = (opts: Record<string, unknown>) =>
  Object.fromEntries(CONTACT_FIELDS.filter((f) => opts[f] !== undefined).map((f) => [f, opts[f]]));

/** A reseller's contact handles: list, show (with the domains using one), create, edit (pushed to its domains), delete. */
export function registerContacts(program: Command): void {
  jsonOption(
    program
      .command('contact:list')
      .description("A reseller's contact handles, with how many domains use each.")
      .requiredOption('--reseller <id>', 'reseller id', resellerId),
  ).action(async (opts: { reseller: number; json?: boolean }) => {
    await withDb(async (db) => {
      const page = await listContacts(db, opts.reseller, { limit: 1000 });
      const rows = page.items.map(presentContact);
      printRows(
        opts.json
          ? rows
          : rows.map((c) => ({
              id: c.id,
              name: c.name,
              email: c.email,
              country: c.country,
              domains: c.domain_count,
              version: c.version,
            })),
        { json: opts.json, empty: '(no contacts)' },
      );
    });
  });

  jsonOption(
    program
      .command('contact:show <contact>')
      .description(
        'One handle (con_…) and the domains using it: in which roles, and whether their Whois holds its current version.',
      )
      .requiredOption('--reseller <id>', 'reseller id', resellerId),
  ).action(async (publicId: string, opts: { reseller: number; json?: boolean }) => {
    await withDb(async (db) => {
      const row = await findContact(db, opts.reseller, publicId);
      const domains = (await contactDomains(db, row)).map(presentContactDomain);
      printRecord(
        {
          ...presentContact(row),
          domains: opts.json
            ? domains
            : domains.map((d) => `${d.domain_name}${d.up_to_date ? '' : ' (pushing)'}`),
        },
        opts,
      );
    });
  });

  jsonOption(
    withFields(
      program
        .command('contact:create')
        .description('A new handle (or the one already holding these details).')
        .requiredOption('--reseller <id>', 'reseller id', resellerId),
    ),
  ).action(async (opts: Record<string, unknown> & { reseller: number; json?: boolean }) => {
    await withDb(async (db) => {
      const saved = await saveContact(db, opts.reseller, parseContact(given(opts)));
      printRecord({ ...presentContact(saved.contact), created: saved.created }, opts);
    });
  });

  jsonOption(
    withFields(
      program
        .command('contact:update <contact>')
        .description(
          'Edit a handle: the fields given change, and the new version is pushed to every domain using it (a workflow, paced by the account limits).',
        )
        .requiredOption('--reseller <id>', 'reseller id', resellerId),
    ),
  ).action(async (publicId: string, opts: Record<string, unknown> & { reseller: number; json?: boolean }) => {
    await withCore(async (deps) => {
      const patch = parseContactPatch(given(opts));
      if (Object.keys(patch).length === 0)
        throw new AppError(422, 'validation_error', 'Give at least one field to change.');
      const edit = await editContactAndPush(deps, { id: opts.reseller }, publicId, patch);
      printRecord({ ...presentContact(edit.contact), push: edit.push, domains: edit.domains }, opts);
    });
  });

  program
    .command('contact:delete <contact>')
    .description('Delete a handle no domain or running order uses (refused, naming them, otherwise).')
    .requiredOption('--reseller <id>', 'reseller id', resellerId)
    .action(async (publicId: string, opts: { reseller: number }) => {
      await withCore(async (deps) => {
        await removeContact(deps, { id: opts.reseller }, publicId);
        console.log(`deleted ${publicId}`);
      });
    });
}
