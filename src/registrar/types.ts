/** What the product needs from an upstream registrar. Dynadot is the first implementation. */
import type { ContactInput } from '../../workflows/contracts';

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

export interface SearchResult {
  domain: string;
  available: boolean;
  premium: boolean;
  /** The registrar's own price when it gives one (premium names always). */
  price?: { amountMinor: bigint; currency: string } | undefined;
}

export interface DomainInfo {
  domain: string;
  expiresAt: Date | null;
  registeredAt: Date | null;
  status: string;
  locked: boolean;
  privacy: 'full' | 'partial' | 'off';
  nameservers: string[];
}

/** What the registrar charges us for one year of a TLD, in minor units of `currency`. */
export interface TldPrice {
  tld: string;
  currency: string;
  register: bigint | null;
  renew: bigint | null;
  transfer: bigint | null;
}

export type TransferState = 'pending' | 'completed' | 'cancelled' | 'failed';

export interface DnsRecord {
  type: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'SRV' | 'CAA' | 'NS';
  name: string;
  value: string;
  ttl: number;
  priority?: number | undefined;
}

export interface Registrar {
  search(domains: readonly string[], currency: string): Promise<SearchResult[]>;
  /** The account's price list: one-year register, renew and transfer prices per TLD. */
  tldPrices(currency: string): Promise<TldPrice[]>;
  register(args: {
    domain: string;
    years: number;
    currency: string;
    /** Contacts created earlier (createContacts); used instead of `contacts`. */
    contactIds?: ContactIds | undefined;
    contacts?: Contacts | undefined;
    nameservers?: readonly string[] | undefined;
    premium?: boolean | undefined;
  }): Promise<{ domain: string; expiresAt: Date | null }>;
  /** Creates the contacts at the registrar (one when the admin is the registrant). */
  createContacts(contacts: Contacts): Promise<ContactIds>;
  /** `currentExpiryYear` guards against renewing twice when a call is retried. */
  renew(args: {
    domain: string;
    years: number;
    currentExpiryYear: number;
    currency: string;
  }): Promise<{ expiresAt: Date | null }>;
  transfer(args: { domain: string; authCode: string; currency: string }): Promise<{ orderId: string }>;
  transferStatus(domain: string): Promise<{ orderId: string; state: TransferState } | null>;
  /** The domain as the registrar holds it in our account, or null when it is not there. */
  info(domain: string): Promise<DomainInfo | null>;
  setNameservers(domain: string, nameservers: readonly string[]): Promise<void>;
  getContacts(domain: string): Promise<Contacts>;
  setContacts(domain: string, contacts: Contacts): Promise<void>;
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
}
