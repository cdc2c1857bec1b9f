import type { VNode } from 'preact';
import type { ContactRow } from '../../db/models';
import type { ContactDomain } from '../../services/contacts';
import type { AppError } from '../../services/errors';
import { Action, Csrf, Errors, Field, Table, when } from '../components';

/* The contact pages' markup; contacts.tsx loads their data and handles the forms. */

export type ContactValues = Partial<Record<(typeof FIELDS)[number]['name'], string>>;

const FIELDS = [
  { name: 'name', label: 'Name', required: true },
  { name: 'organization', label: 'Organization' },
  { name: 'address1', label: 'Address', required: true },
  { name: 'address2', label: 'Address (second line)' },
  { name: 'city', label: 'City', required: true },
  { name: 'state', label: 'State or province' },
  { name: 'postcode', label: 'Postcode', required: true },
  { name: 'country', label: 'Country', required: true, hint: 'Two letters (ISO 3166-1), such as ID or TZ.' },
  { name: 'phone', label: 'Phone', required: true, hint: 'As +CC.NUMBER, such as +62.8123456789.' },
  { name: 'email', label: 'Email', required: true, type: 'email' as const },
] as const;

/** The contact's fields, filled with `values`, with the errors the API would give. */
function ContactFields(props: { values: ContactValues; error: AppError | undefined }): VNode {
  return (
    <>
      {FIELDS.map((f) => (
        <Field
          key={f.name}
          name={f.name}
          label={f.label}
          type={'type' in f ? f.type : 'text'}
          value={props.values[f.name]}
          errors={props.error?.errors}
          required={'required' in f}
          {...('hint' in f ? { hint: f.hint } : {})}
        />
      ))}
    </>
  );
}

export const valuesOf = (c: ContactRow): ContactValues => ({
  name: c.name,
  organization: c.organization ?? '',
  address1: c.address1,
  address2: c.address2 ?? '',
  city: c.city,
  state: c.state ?? '',
  postcode: c.postcode,
  country: c.country,
  phone: c.phone,
  email: c.email,
});

/** The handles with how many domains use each, and the form adding one. */
export function ContactList(props: {
  rows: Array<ContactRow & { domainCount: number }>;
  extra: { error?: AppError; values?: ContactValues };
  csrf: string | undefined;
}): VNode {
  const { rows, extra, csrf } = props;
  return (
    <>
      <p>
        A contact kept here is sent to the registrar once and used by every domain that names it: register
        with <code>registrant_contact_id</code>, and an edit here reaches all of its domains.
      </p>
      <Table
        caption="Contacts"
        head={['Contact', 'Email', 'Country', 'Domains', 'Version', 'ID']}
        rows={rows.map((c) => [
          <a href={`/portal/contacts/${encodeURIComponent(c.publicId)}`}>{c.name}</a>,
          c.email,
          c.country,
          <span data-domain-count>{String(c.domainCount)}</span>,
          String(c.version),
          <code>{c.publicId}</code>,
        ])}
        empty="No contacts yet: they are kept here as you register domains, or add one below."
      />
      <section aria-labelledby="new-contact-h">
        <h2 id="new-contact-h">Add a contact</h2>
        <Errors
          message={extra.error?.message}
          errors={extra.error?.errors}
          shown={FIELDS.map((f) => f.name)}
        />
        <form method="post" action="/portal/contacts">
          <Csrf token={csrf} />
          <ContactFields values={extra.values ?? {}} error={extra.error} />
          <button type="submit">Add the contact</button>
        </form>
      </section>
    </>
  );
}

/** One handle: the domains using it (and whether their Whois holds this version), its edit form, delete. */
export function ContactPage(props: {
  contact: ContactRow;
  domains: ContactDomain[];
  extra: { error?: AppError; values?: ContactValues };
  csrf: string | undefined;
}): VNode {
  const { contact, domains, extra, csrf } = props;
  const action = `/portal/contacts/${encodeURIComponent(contact.publicId)}`;
  return (
    <>
      <dl class="figures">
        <div>
          <dt>ID</dt>
          <dd>
            <code>{contact.publicId}</code>
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>
            {contact.version}, changed {when(contact.updatedAt)}
          </dd>
        </div>
      </dl>
      <Table
        caption="Domains using this contact"
        head={['Domain', 'As', 'At the registrar']}
        rows={domains.map((d) => [
          d.name,
          d.roles.join(' and '),
          <span data-up-to-date={d.upToDate ? 'yes' : 'no'}>
            {!d.upToDate
              ? 'being updated'
              : d.registrarSynced
                ? 'holds this version'
                : 'sent; it does not show it yet'}
          </span>,
        ])}
        empty="No domain uses this contact."
      />
      <section aria-labelledby="edit-contact-h">
        <h2 id="edit-contact-h">Edit</h2>
        <Errors
          message={extra.error?.message}
          errors={extra.error?.errors}
          shown={FIELDS.map((f) => f.name)}
        />
        <form method="post" action={action}>
          <Csrf token={csrf} />
          <ContactFields values={extra.values ?? valuesOf(contact)} error={extra.error} />
          <button type="submit">
            Save
            {domains.length > 0
              ? ` and send to ${domains.length} domain${domains.length === 1 ? '' : 's'}`
              : ''}
          </button>
        </form>
      </section>
      <section aria-labelledby="delete-contact-h">
        <h2 id="delete-contact-h">Delete</h2>
        <p>A contact that a domain uses cannot be deleted: give those domains another contact first.</p>
        <Action action={`${action}/delete`} label="Delete this contact" csrf={csrf} secondary />
      </section>
    </>
  );
}
