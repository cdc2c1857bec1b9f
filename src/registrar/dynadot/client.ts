import { parseDecimalCeilToMinor, parseDecimalToMinor } from '../../money';
import { RegistrarError } from '../errors';
import { CallLimiter } from '../limiter';
import type {
  Contact,
  ContactIds,
  Contacts,
  DnsRecord,
  DomainInfo,
  Registrar,
  SearchResult,
  TldPrice,
  TransferState,
} from '../types';
import {
  asArray,
  type Body,
  buildUrl,
  type Params,
  parseEnvelope,
  parseEpochMs,
  sameContact,
  contactParams,
  str,
  yes,
} from './wire';

export interface DynadotOptions {
  /** `https://api.dynadot.com/api3.json` in production; the simulator in dev and tests. */
  baseUrl: string;
  apiKey: string;
  /** Concurrent calls allowed by the account's level (1, 5 or 25). */
  maxConcurrent: number;
  timeoutMs: number;
  /** Pause after a throttled answer that gave no Retry-After. */
  throttlePauseMs?: number;
  fetch?: typeof fetch;
}

/** The real Dynadot api3 client (the simulator speaks the same protocol). */
export class DynadotRegistrar implements Registrar {
  private readonly limiter: CallLimiter;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: DynadotOptions) {
    this.limiter = new CallLimiter(opts.maxConcurrent);
    this.fetchFn = opts.fetch ?? fetch;
  }

  get inFlight(): number {
    return this.limiter.inFlight;
  }

  private async call(command: string, params: Params = {}): Promise<Body> {
    return this.limiter.run(async () => {
      const url = buildUrl(this.opts.baseUrl, this.opts.apiKey, command, params);
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method: 'GET',
          headers: { Accept: 'application/json' },
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
      } catch (err) {
        const reason =
          err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'connection failed';
        throw new RegistrarError('retryable', `registrar ${reason}`, command);
      }
      if (res.status === 429) {
        const retryAfter = Number(res.headers.get('retry-after'));
        const pauseMs =
          Number.isFinite(retryAfter) && retryAfter > 0
            ? retryAfter * 1000
            : (this.opts.throttlePauseMs ?? 1000);
        this.limiter.pause(pauseMs);
        await res.body?.cancel();
        throw new RegistrarError('retryable', 'registrar throttled the call (429)', command, pauseMs);
      }
      if (res.status >= 500 || res.status !== 200) {
        await res.body?.cancel();
        throw new RegistrarError(
          res.status >= 500 ? 'retryable' : 'rejected',
          `registrar HTTP ${res.status}`,
          command,
        );
      }
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        throw new RegistrarError('retryable', 'registrar answered with invalid JSON', command);
      }
      try {
        return parseEnvelope(command, json);
      } catch (err) {
        if (err instanceof RegistrarError && err.retryable && /busy/.test(err.message)) {
          this.limiter.pause(this.opts.throttlePauseMs ?? 1000);
        }
        throw err;
      }
    });
  }

  async search(domains: readonly string[], currency: string): Promise<SearchResult[]> {
    const params: Params = { show_price: 1, currency };
    domains.forEach((d, i) => (params[`domain${i}`] = d));
    const body = await this.call('search', params);
    const results = asArray(body['SearchResults']) as Body[];
    return domains.map((domain) => {
      const hit = results.find((r) => str(r['DomainName']).toLowerCase() === domain);
      if (!hit) throw new RegistrarError('retryable', `search answered nothing for ${domain}`, 'search');
      const priceText = str(hit['Price']);
      const m = /^([\d.]+)\s+in\s+([A-Z]{3})$/i.exec(priceText.trim());
      let price: SearchResult['price'];
      if (m) {
        try {
          price = {
            amountMinor: parseDecimalToMinor(m[1]!, m[2]!.toUpperCase()),
            currency: m[2]!.toUpperCase(),
          };
        } catch {
          price = undefined;
        }
      }
      return {
        domain,
        available: yes(hit['Available']),
        premium: yes(hit['Premium'] ?? hit['IsPremium']),
        price,
      };
    });
  }

  /** `tld_price`, page by page (100 TLDs a page) until a short page. */
  async tldPrices(currency: string): Promise<TldPrice[]> {
    const out: TldPrice[] = [];
    const perPage = 100;
    for (let page = 1; page <= 100; page += 1) {
      const body = await this.call('tld_price', { currency, count_per_page: perPage, page_index: page });
      const listed = asArray(body['TldPrice']) as Body[];
      const unit = str(body['Currency']).toUpperCase() || currency;
      for (const entry of listed) {
        const tld = str(entry['Tld']).replace(/^\./, '').toLowerCase();
        if (!tld) continue;
        const price = (entry['Price'] ?? {}) as Body;
        const amount = (key: string): bigint | null => {
          const text = str(price[key]).trim();
          if (!text) return null;
          try {
            return parseDecimalCeilToMinor(text, unit);
          } catch {
            return null;
          }
        };
        out.push({
          tld,
          currency: unit,
          register: amount('Register'),
          renew: amount('Renew'),
          transfer: amount('Transfer'),
        });
      }
      if (listed.length < perPage) break;
    }
    return out;
  }

  private async createContact(contact: Contact): Promise<string> {
    const body = await this.call('create_contact', contactParams(contact));
    const content = (body['CreateContactContent'] ?? body) as Body;
    const id = str(content['ContactId']);
    if (!id) throw new RegistrarError('retryable', 'create_contact answered no ContactId', 'create_contact');
    return id;
  }

  async register(
    args: Parameters<Registrar['register']>[0],
  ): Promise<{ domain: string; expiresAt: Date | null }> {
    const ids = args.contactIds ?? (args.contacts ? await this.createContacts(args.contacts) : undefined);
    const body = await this.call('register', {
      domain: args.domain,
      duration: args.years,
      currency: args.currency,
      registrant_contact: ids?.registrant,
      admin_contact: ids?.admin,
      technical_contact: ids?.admin,
      billing_contact: ids?.admin,
      premium: args.premium ? 1 : undefined,
    });
    if (args.nameservers && args.nameservers.length > 0)
      await this.setNameservers(args.domain, args.nameservers);
    return { domain: str(body['DomainName']) || args.domain, expiresAt: parseEpochMs(body['Expiration']) };
  }

  /** One create_contact when the admin is the registrant (the common case), two otherwise. */
  async createContacts(contacts: Contacts): Promise<ContactIds> {
    const registrant = await this.createContact(contacts.registrant);
    const same = sameContact(contacts.registrant, contacts.admin);
    return { registrant, admin: same ? registrant : await this.createContact(contacts.admin) };
  }

  async renew(args: Parameters<Registrar['renew']>[0]): Promise<{ expiresAt: Date | null }> {
    const body = await this.call('renew', {
      domain: args.domain,
      duration: args.years,
      year: args.currentExpiryYear,
      currency: args.currency,
      no_renew_if_late_renew_fee_needed: 1,
    });
    return { expiresAt: parseEpochMs(body['Expiration']) };
  }

  async transfer(args: Parameters<Registrar['transfer']>[0]): Promise<{ orderId: string }> {
    const body = await this.call('transfer', {
      domain: args.domain,
      auth: args.authCode,
      currency: args.currency,
    });
    const orderId = str(body['OrderId']);
    if (!orderId) throw new RegistrarError('retryable', 'transfer answered no OrderId', 'transfer');
    return { orderId };
  }

  async transferStatus(domain: string): Promise<{ orderId: string; state: TransferState } | null> {
    const body = await this.call('get_transfer_status', { domain, transfer_type: 'in' });
    const list = asArray(body['TransferList']) as Body[];
    const last = list[list.length - 1];
    if (!last) return null;
    const text = str(last['TransferStatus']);
    const state: TransferState = /complet/i.test(text)
      ? 'completed'
      : /cancel/i.test(text)
        ? 'cancelled'
        : /fail|reject|denied|timed out/i.test(text)
          ? 'failed'
          : 'pending';
    return { orderId: str(last['OrderId']), state };
  }

  async info(domain: string): Promise<DomainInfo | null> {
    let body: Body;
    try {
      body = await this.call('domain_info', { domain });
    } catch (err) {
      if (err instanceof RegistrarError && err.kind === 'not_found') return null;
      throw err;
    }
    const info = (body['DomainInfo'] ?? body) as Body;
    const nsSettings = (info['NameServerSettings'] ?? {}) as Body;
    const nameservers = (asArray(nsSettings['NameServers']) as Body[])
      .map((ns) => str(ns['ServerName']).toLowerCase())
      .filter(Boolean);
    const privacyText = str(info['Privacy']).toLowerCase();
    return {
      domain: str(info['Name']).toLowerCase() || domain,
      expiresAt: parseEpochMs(info['Expiration']),
      registeredAt: parseEpochMs(info['Registration']),
      status: str(info['Status']) || 'active',
      locked: yes(info['Locked']),
      privacy: privacyText === 'full' ? 'full' : privacyText === 'partial' ? 'partial' : 'off',
      nameservers,
    };
  }

  readonly canSetAuthCode = false;
  /** api3's set_dns2 has record types for these only (no SRV, CAA or NS records). */
  readonly dnsRecordTypes: ReadonlyArray<DnsRecord['type']> = ['A', 'AAAA', 'CNAME', 'MX', 'TXT'];

  async getContacts(domain: string): Promise<Contacts> {
    const body = await this.call('domain_info', { domain });
    const info = (body['DomainInfo'] ?? body) as Body;
    const whois = (info['Whois'] ?? {}) as Body;
    const idOf = (role: string) => str(((whois[role] ?? {}) as Body)['ContactId']);
    const registrantId = idOf('Registrant');
    const adminId = idOf('Admin') || registrantId;
    if (!registrantId)
      throw new RegistrarError('retryable', 'domain_info answered no Whois contacts', 'domain_info');
    return { registrant: await this.getContact(registrantId), admin: await this.getContact(adminId) };
  }

  private async getContact(contactId: string): Promise<Contact> {
    const body = await this.call('get_contact', { contact_id: contactId });
    const c = (body['GetContact'] ?? body) as Body;
    const opt = (k: string) => str(c[k]) || undefined;
    return {
      name: str(c['Name']),
      organization: opt('Organization'),
      address1: str(c['Address1']),
      address2: opt('Address2'),
      city: str(c['City']),
      state: opt('State'),
      postcode: str(c['ZipCode']),
      country: str(c['Country']).toUpperCase(),
      phone: `+${str(c['PhoneCc'])}.${str(c['PhoneNum'])}`,
      email: str(c['Email']),
    };
  }

  async setContacts(domain: string, contacts: Contacts): Promise<void> {
    const ids = await this.createContacts(contacts);
    await this.call('set_whois', {
      domain,
      registrant_contact: ids.registrant,
      admin_contact: ids.admin,
      technical_contact: ids.admin,
      billing_contact: ids.admin,
    });
  }

  async setNameservers(domain: string, nameservers: readonly string[]): Promise<void> {
    const params: Params = { domain };
    nameservers.forEach((ns, i) => (params[`ns${i}`] = ns));
    await this.call('set_ns', params);
  }

  async getNameservers(domain: string): Promise<string[]> {
    const body = await this.call('get_ns', { domain });
    const content = (body['NsContent'] ?? {}) as Body;
    return Object.keys(content)
      .filter((k) => /^Host\d+$/.test(k))
      .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
      .map((k) => str(content[k]).toLowerCase())
      .filter(Boolean);
  }

  async getAuthCode(domain: string): Promise<string> {
    const body = await this.call('get_transfer_auth_code', { domain });
    const code = str(
      body['AuthCode'] ?? (body['GetTransferAuthCodeHeader'] as Body | undefined)?.['AuthCode'],
    );
    if (!code) throw new RegistrarError('retryable', 'no auth code in the answer', 'get_transfer_auth_code');
    return code;
  }

  async setLock(domain: string, locked: boolean): Promise<void> {
    if (locked) await this.call('lock_domain', { domain });
    else await this.call('get_transfer_auth_code', { domain, unlock_domain_for_transfer: 1 });
  }

  async setPrivacy(domain: string, option: 'full' | 'partial' | 'off'): Promise<void> {
    await this.call('set_privacy', { domain, option });
  }

  async setDns(domain: string, records: readonly DnsRecord[]): Promise<void> {
    const params: Params = { domain };
    let main = 0;
    let sub = 0;
    for (const r of records) {
      if (!this.dnsRecordTypes.includes(r.type)) {
        throw new RegistrarError('unsupported', `Dynadot api3 cannot publish ${r.type} records`, 'set_dns2');
      }
      const type = r.type.toLowerCase();
      if (r.name === '@') {
        params[`main_record_type${main}`] = type;
        params[`main_record${main}`] = r.value;
        if (r.priority !== undefined) params[`main_recordx${main}`] = r.priority;
        main += 1;
      } else {
        params[`subdomain${sub}`] = r.name;
        params[`sub_record_type${sub}`] = type;
        params[`sub_record${sub}`] = r.value;
        if (r.priority !== undefined) params[`sub_recordx${sub}`] = r.priority;
        sub += 1;
      }
    }
    const ttl = records[0]?.ttl;
    if (ttl !== undefined) params['ttl'] = ttl;
    await this.call('set_dns2', params);
  }

  async getDns(domain: string): Promise<DnsRecord[]> {
    const body = await this.call('get_dns', { domain });
    const settings = ((body['GetDns'] ?? body) as Body)['NameServerSettings'] as Body | undefined;
    const ttl = Number(str(settings?.['Ttl'])) || 14400;
    const read = (list: unknown, name: (r: Body) => string): DnsRecord[] =>
      (asArray(list) as Body[]).map((r) => {
        const priority = str(r['RecordValue2']);
        return {
          type: str(r['RecordType']).toUpperCase() as DnsRecord['type'],
          name: name(r),
          value: str(r['Value']),
          ttl,
          ...(priority ? { priority: Number(priority) } : {}),
        };
      });
    return [
      ...read(settings?.['MainDomains'], () => '@'),
      ...read(settings?.['SubDomains'], (r) => str(r['Subhost'])),
    ];
  }
}
