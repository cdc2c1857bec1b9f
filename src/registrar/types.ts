/** What the product needs from an upstream registrar. Dynadot is the first implementation. */
import type { ContactInput, TransferState } from '../vocabulary';

/** A Whois contact (phone `+CCC.NNNN`, ISO 3166-1 alpha-2 country); the order workflow carries the same shape. */
export type Contact = ContactInput;

export interface Contacts {
  registrant: Contact;
  admin: Contact;
}

/** Contacts as the registrar knows them (its ids). */
export interface ContactIds {
  registrant: string;
  admin: string;
}

export interface Money {
  amountMinor: bigint;
  currency: string;
}

export interface SearchResult {
  domain: string;
  available: boolean;
  /** From the live price sentence (`… and Domain is a Premium Domain`). */
  premium: boolean;
  /** What the account pays to register for a year, in the account's currency, when the registrar says. */
  price?: Money | undefined;
  /** What the account pays to renew for a year, when the registrar says. */
  renewal?: Money | undefined;
}

export interface DomainInfo {
  domain: string;
  expiresAt: Date | null;
  registeredAt: Date | null;
  status: string;
  locked: boolean;
  privacy: 'full' | 'partial' | 'off';
  nameservers: string[];
  /** The Whois contacts' IDs (`Whois` in domain_info), when it lists them. */
  contactIds: ContactIds | null;
}

/** A nameserver host registered at the registrar (glue), with its addresses. */
export interface GlueHost {
  /** The registrar's ID of the host (`ServerId`). */
  serverId: string;
  host: string;
  ips: string[];
}

/** What the registrar charges us for one year of a TLD, in minor units of `currency`. */
export interface TldPrice {
  tld: string;
  currency: string;
  register: bigint | null;
  renew: bigint | null;
  transfer: bigint | null;
}

export { TRANSFER_STATES, type TransferState } from '../vocabulary';

/** States that end a transfer. */
export const FINAL_TRANSFER_STATES: ReadonlySet<TransferState> = new Set([
  'completed',
  'cancelled',
  'failed',
]);

export interface TransferStatus {
  orderId: string;
  state: TransferState;
  /** The registrar's own words. */
  text: string;
}

export interface DnsRecord {
  type: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'SRV' | 'CAA' | 'NS';
  name: string;
  value: string;
  ttl: number;
  priority?: number | undefined;
}

/** A delegation signer (DS) record of a signed zone, as the registrar sends it to the registry. */
export interface DsRecord {
  keyTag: number;
  algorithm: number;
  digestType: number;
  /** Hex, lower case. */
  digest: string;
}

export interface Registrar {
  /** The currency the registrar account is billed in: every price it answers and every call it is sent. */
  readonly currency: string;
  search(domains: readonly string[]): Promise<SearchResult[]>;
  /** The account's price list (in its currency): one-year register, renew and transfer prices per TLD. */
  tldPrices(): Promise<TldPrice[]>;
  /** Registers only: nameservers are set afterwards, as a step of their own (setNameservers). */
  register(args: {
    domain: string;
    years: number;
    /** Contacts created earlier (createContacts); used instead of `contacts`. */
    contactIds?: ContactIds | undefined;
    contacts?: Contacts | undefined;
    premium?: boolean | undefined;
  }): Promise<{ domain: string; expiresAt: Date | null }>;
  /** Creates the contacts at the registrar (one when the admin is the registrant). */
  createContacts(contacts: Contacts): Promise<ContactIds>;
  /** Creates one contact at the registrar (`create_contact`); answers its ID. */
  createContact(contact: Contact): Promise<string>;
  /** Deletes a contact no domain uses any more (`delete_contact`). */
  deleteContact(contactId: string): Promise<void>;
  /** Sets contacts the registrar already holds on a domain (`set_whois` with their IDs). */
  setWhois(domain: string, ids: ContactIds): Promise<void>;
  /** `currentExpiryYear` guards against renewing twice when a call is retried. */
  renew(args: {
    domain: string;
    years: number;
    currentExpiryYear: number;
  }): Promise<{ expiresAt: Date | null }>;
  /**
   * What renewing this domain for a year costs the account, in its currency (`renew` with
   * `price_check=1`: nothing is renewed). A premium name's is its own, never the TLD's.
   */
  renewalPrice(domain: string): Promise<Money>;
  transfer(args: { domain: string; authCode: string }): Promise<{ orderId: string }>;
  /** The newest transfer-in order of the domain (the list's first element), or null when none is listed yet. */
  transferStatus(domain: string): Promise<TransferStatus | null>;
  /** Cancels a pending transfer-in order (`cancel_transfer`); refused once it has ended. */
  cancelTransfer(args: { domain: string; orderId: string }): Promise<void>;
  /** A new auth code for a transfer waiting for one. */
  setTransferAuthCode(args: { domain: string; orderId: string; authCode: string }): Promise<void>;
  /**
   * The domain as the registrar holds it in our account, or null when it is not there. Right
   * after a registration this can answer null for a while (see `inAccount`).
   */
  info(domain: string): Promise<DomainInfo | null>;
  /** The domain as the account's domain list shows it (`list_domain`, paged), or null when it is not there. */
  inAccount(domain: string): Promise<{ expiresAt: Date | null } | null>;
  setNameservers(domain: string, nameservers: readonly string[]): Promise<void>;
  /** The account's registered nameserver hosts (`server_list`). */
  listHosts(): Promise<GlueHost[]>;
  /** Registers a host under a domain of the account with its addresses (`register_ns`, then `set_ns_ip` for more than one). */
  registerHost(host: string, ips: readonly string[]): Promise<GlueHost>;
  /** Replaces a registered host's addresses (`set_ns_ip`). */
  setHostIps(serverId: string, ips: readonly string[]): Promise<void>;
  /** Deletes a registered host (`delete_ns`); refused while a domain uses it. */
  deleteHost(serverId: string): Promise<void>;
  getContacts(domain: string): Promise<Contacts>;
  /** Creates the contacts and sets them on the domain; answers their IDs. */
  setContacts(domain: string, contacts: Contacts): Promise<ContactIds>;
  /** Whether the registrar can set a chosen EPP code on a domain we hold (Dynadot cannot). */
  readonly canSetAuthCode: boolean;
  /** The DNS record types the registrar publishes; others are refused when written. */
  readonly dnsRecordTypes: ReadonlyArray<DnsRecord['type']>;
  getNameservers(domain: string): Promise<string[]>;
  getAuthCode(domain: string): Promise<string>;
  setLock(domain: string, locked: boolean): Promise<void>;
  setPrivacy(domain: string, option: 'full' | 'partial' | 'off'): Promise<void>;
  setDns(domain: string, records: readonly DnsRecord[]): Promise<void>;
  getDns(domain: string): Promise<DnsRecord[]>;
  /** Sends a DS record to the registry (`set_dnssec`). */
  setDnssec(domain: string, ds: DsRecord): Promise<void>;
  /** The DS records the registrar holds for the domain (`get_dnssec`). */
  getDnssec(domain: string): Promise<DsRecord[]>;
  /** Removes every DS record of the domain (`set_clear_domain_setting` with `service=dnssec`). */
  clearDnssec(domain: string): Promise<void>;
}
