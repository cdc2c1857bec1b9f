/** A domain in the account: its info, contacts, Whois, nameservers, auth code, lock and privacy. */
import { changing, shown } from '../lag';
import type { Handler, SimDomain } from '../state';
import { unregisteredHost } from './hosts';

/** A domain as domain_info and list_domain describe it. */
export function domainInfo(d: SimDomain): Record<string, unknown> {
  return {
    Name: d.name,
    Expiration: String(d.expiresAt),
    Registration: String(d.registeredAt),
    NameServerSettings: {
      Type: 'Name Servers',
      NameServers: d.nameservers.map((n, i) => ({ ServerId: String(i), ServerName: n })),
    },
    Locked: d.locked ? 'yes' : 'no',
    Privacy: d.privacy,
    Status: 'active',
    Whois: {
      Registrant: { ContactId: d.contacts['registrant'] ?? '' },
      Admin: { ContactId: d.contacts['admin'] ?? '' },
      Technical: { ContactId: d.contacts['admin'] ?? '' },
      Billing: { ContactId: d.contacts['admin'] ?? '' },
    },
  };
}

export const DOMAINS_COMMANDS: Record<string, Handler> = {
  create_contact: (c) => {
    const { p, sim } = c;
    const id = sim.newId();
    sim.contacts.set(id, { ...p });
    return {
      CreateContactResponse: {
        ResponseCode: '0',
        Status: 'success',
        CreateContactContent: { ContactId: id },
      },
    };
  },
  // Ours: the reference names delete_contact only; its answer is shaped as set_whois' documented
  // one, and a contact a domain still uses is refused, as EPP registries refuse deleting a
  // linked contact (RFC 5733 §3.2.2, "objects that are associated with other objects").
  delete_contact: (c) => {
    const { p, sim, fail } = c;
    const ids = (p['contact_id'] ?? '').split(',').filter(Boolean);
    for (const id of ids) {
      if (!sim.contacts.has(id)) return fail('contact not found');
      const using = [...sim.domains.values()].find((d) => Object.values(d.contacts).includes(id));
      if (using) return fail(`contact ${id} is used by ${using.name}`);
    }
    for (const id of ids) sim.contacts.delete(id);
    return { DeleteContactResponse: { ResponseCode: '0', Status: 'success' } };
  },
  domain_info: (c) => {
    const { notFound } = c;
    const seen = shown(c.owned);
    if (!seen) return notFound();
    return {
      DomainInfoResponse: {
        ResponseCode: 0,
        Status: 'success',
        DomainInfo: domainInfo(seen),
      },
    };
  },
  list_domain: (c) => {
    const { p, sim } = c;
    const perPage = Math.max(1, Math.min(1000, Number(p['count_per_page'] ?? 100) || 100));
    const page = Math.max(1, Number(p['page_index'] ?? 1) || 1);
    const all = [...sim.domains.values()].sort((a, b) => a.name.localeCompare(b.name));
    return {
      ListDomainInfoResponse: {
        ResponseCode: 0,
        Status: 'success',
        MainDomains: all.slice((page - 1) * perPage, page * perPage).map((d) => domainInfo(d)),
      },
    };
  },
  get_contact: (c) => {
    const { p, fail, sim } = c;
    const contact = sim.contacts.get(p['contact_id'] ?? '');
    if (!contact) return fail('contact not found');
    return {
      GetContactResponse: {
        ResponseCode: '0',
        Status: 'success',
        GetContact: {
          ContactId: p['contact_id'],
          Name: contact['name'] ?? '',
          Organization: contact['organization'] ?? '',
          Email: contact['email'] ?? '',
          PhoneCc: contact['phonecc'] ?? '',
          PhoneNum: contact['phonenum'] ?? '',
          Address1: contact['address1'] ?? '',
          Address2: contact['address2'] ?? '',
          City: contact['city'] ?? '',
          State: contact['state'] ?? '',
          ZipCode: contact['zip'] ?? '',
          Country: contact['country'] ?? '',
        },
      },
    };
  },
  set_whois: (c) => {
    const { p, owned, fail, notFound, sim } = c;
    if (!owned) return notFound();
    for (const role of ['registrant', 'admin']) {
      const id = p[`${role}_contact`];
      if (!id || !sim.contacts.has(id)) return fail(`unknown ${role} contact`);
    }
    changing(sim, owned);
    for (const role of ['registrant', 'admin']) owned.contacts[role] = p[`${role}_contact`]!;
    return { SetWhoisResponse: { ResponseCode: '0', Status: 'success' } };
  },
  set_ns: (c) => {
    const { p, owned, notFound, fail, sim } = c;
    if (!owned) return notFound();
    const ns = Object.keys(p)
      .filter((k) => /^ns\d+$/.test(k))
      .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
      .map((k) => p[k]!.toLowerCase());
    // The live service refuses a host inside a domain of the account that has no glue.
    const missing = unregisteredHost(sim, ns);
    if (missing) return fail(`'${missing}' needs to be registered with an ip address before it can be used.`);
    changing(sim, owned);
    owned.nameservers = ns;
    return { SetNsResponse: { ResponseCode: 0, Status: 'success' } };
  },
  get_ns: (c) => {
    const { notFound } = c;
    const seen = shown(c.owned);
    if (!seen) return notFound();
    const content = Object.fromEntries(seen.nameservers.map((n, i) => [`Host${i}`, n]));
    return { GetNsResponse: { ResponseCode: 0, Status: 'success', NsContent: content } };
  },
  get_transfer_auth_code: (c) => {
    const { p, owned, notFound, sim } = c;
    if (!owned) return notFound();
    if (p['new_code'] === '1') owned.authCode = `AUTH${sim.newId()}`;
    if (p['unlock_domain_for_transfer'] === '1' && owned.locked) {
      changing(sim, owned);
      owned.locked = false;
    }
    return {
      GetTransferAuthCodeResponse: { ResponseCode: 0, Status: 'success', AuthCode: owned.authCode },
    };
  },
  lock_domain: (c) => {
    const { owned, notFound, sim } = c;
    if (!owned) return notFound();
    changing(sim, owned);
    owned.locked = true;
    return { LockDomainResponse: { ResponseCode: '0', Status: 'success' } };
  },
  set_privacy: (c) => {
    const { p, owned, fail, notFound, sim } = c;
    if (!owned) return notFound();
    const option = p['option'];
    if (option !== 'full' && option !== 'partial' && option !== 'off') return fail('invalid privacy option');
    changing(sim, owned);
    owned.privacy = option;
    return { SetPrivacyResponse: { ResponseCode: '0', Status: 'success' } };
  },
};
