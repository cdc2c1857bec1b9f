import { RegistrarError } from '../errors';
import type { Contact, Contacts, ContactIds, Registrar } from '../types';
import { type Body, contactParams, type Params, readContact, sameContact, str, whoisIds } from './wire';

type Call = (command: string, params?: Params) => Promise<Body>;

export type ContactCommands = Pick<
  Registrar,
  'createContact' | 'createContacts' | 'deleteContact' | 'getContacts' | 'setContacts' | 'setWhois'
>;

/**
 * Dynadot's contact commands: `create_contact` answers a ContactId, `set_whois` names a
 * domain's contacts by their IDs, `get_contact` reads one, `delete_contact` removes one no
 * domain uses (shared/reference/registrars-and-peers.md §1.3, contacts and whois on domain).
 */
export function contactCommands(call: Call): ContactCommands {
  const createContact = async (contact: Contact): Promise<string> => {
    const body = await call('create_contact', contactParams(contact));
    const content = (body['CreateContactContent'] ?? body) as Body;
    const id = str(content['ContactId']);
    if (!id) throw new RegistrarError('retryable', 'create_contact answered no ContactId', 'create_contact');
    return id;
  };
  /** One create_contact when the admin is the registrant (the common case), two otherwise. */
  const createContacts = async (contacts: Contacts): Promise<ContactIds> => {
    const registrant = await createContact(contacts.registrant);
    const same = sameContact(contacts.registrant, contacts.admin);
    return { registrant, admin: same ? registrant : await createContact(contacts.admin) };
  };
  const getContact = async (contactId: string): Promise<Contact> =>
    readContact(await call('get_contact', { contact_id: contactId }));
  const setWhois = async (domain: string, ids: ContactIds): Promise<void> => {
    await call('set_whois', {
      domain,
      registrant_contact: ids.registrant,
      admin_contact: ids.admin,
      technical_contact: ids.admin,
      billing_contact: ids.admin,
    });
  };
  return {
    createContact,
    createContacts,
    setWhois,
    async getContacts(domain) {
      const body = await call('domain_info', { domain });
      const ids = whoisIds((body['DomainInfo'] ?? body) as Body);
      if (!ids)
        throw new RegistrarError('retryable', 'domain_info answered no Whois contacts', 'domain_info');
      return { registrant: await getContact(ids.registrant), admin: await getContact(ids.admin) };
    },
    async setContacts(domain, contacts) {
      const ids = await createContacts(contacts);
      await setWhois(domain, ids);
      return ids;
    },
    async deleteContact(contactId) {
      await call('delete_contact', { contact_id: contactId });
    },
  };
}
