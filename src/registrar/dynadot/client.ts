import { RegistrarError } from '../errors';
import type { AccountLimiter } from '../limiter';
import type {
  DnsRecord,
  DomainInfo,
  DsRecord,
  Registrar,
  SearchResult,
  TldPrice,
  TransferStatus,
} from '../types';
import {
  asArray,
  type Body,
  ONE_NAME_PER_SEARCH,
  transferStatusOf,
  type Params,
  parseEpochMs,
  renewalPriceOf,
  str,
  whoisIds,
  yes,
} from './wire';
import { contactCommands } from './contacts';
import { hostCommands } from './hosts';
import { readDns, readDnssec, readNameservers, setDnsParams, setDnssecParams } from './dns';
import { type DynadotOptions, DynadotTransport, searchResultsOf, tldPriceOf } from './transport';

export type { DynadotOptions };

/** The real Dynadot api3 client (the simulator speaks the same protocol). */
export class DynadotRegistrar implements Registrar {
  private readonly limiter: AccountLimiter;
  private readonly transport: DynadotTransport;
  private searchBatch: number;
  readonly currency: string;
  declare readonly setNameservers: Registrar['setNameservers'];
  declare readonly listHosts: Registrar['listHosts'];
  declare readonly registerHost: Registrar['registerHost'];
  declare readonly setHostIps: Registrar['setHostIps'];
  declare readonly deleteHost: Registrar['deleteHost'];
  declare readonly createContact: Registrar['createContact'];
  declare readonly createContacts: Registrar['createContacts'];
  declare readonly deleteContact: Registrar['deleteContact'];
  declare readonly getContacts: Registrar['getContacts'];
  declare readonly setContacts: Registrar['setContacts'];
  declare readonly setWhois: Registrar['setWhois'];

  constructor(opts: DynadotOptions) {
    this.limiter = opts.limiter;
    this.transport = new DynadotTransport(opts);
    this.currency = opts.currency.toUpperCase();
    this.searchBatch = Math.max(1, Math.min(100, opts.searchBatch));
    const call = (command: string, params?: Params) => this.call(command, params);
    Object.assign(this, hostCommands(call), contactCommands(call));
  }

  get inFlight(): number {
    return this.limiter.inFlight;
  }

  private call(command: string, params: Params = {}): Promise<Body> {
    return this.transport.call(command, params);
  }

  /**
   * Availability and the account's prices, in batches the account level allows (one name a call
   * on a regular account), the batches side by side within the account's threads. An account
   * that turns out to allow one name a call is searched one name a call from then on.
   */
  async search(domains: readonly string[]): Promise<SearchResult[]> {
    const batches: string[][] = [];
    for (let i = 0; i < domains.length; i += this.searchBatch)
      batches.push(domains.slice(i, i + this.searchBatch));
    const answers = await Promise.all(batches.map((batch) => this.searchBatchOf(batch)));
    return answers.flat();
  }

  private async searchBatchOf(domains: readonly string[]): Promise<SearchResult[]> {
    const params: Params = { show_price: 1, currency: this.currency };
    domains.forEach((d, i) => (params[`domain${i}`] = d));
    let body: Body | undefined;
    // A read: a throttled or busy answer is asked again (after the pause it set), twice at most.
    for (let attempt = 1; body === undefined; attempt += 1) {
      try {
        body = await this.call('search', params);
      } catch (err) {
        if (domains.length > 1 && err instanceof RegistrarError && ONE_NAME_PER_SEARCH.test(err.message)) {
          this.searchBatch = 1;
          return (await Promise.all(domains.map((d) => this.searchBatchOf([d])))).flat();
        }
        if (!(err instanceof RegistrarError) || !err.retryable || attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, Math.min(err.retryAfterMs ?? 200, 2_000)));
      }
    }
    return searchResultsOf(body, domains);
  }

  /** `tld_price`, page by page (100 TLDs a page) until a short page. */
  async tldPrices(): Promise<TldPrice[]> {
    const currency = this.currency;
    const out: TldPrice[] = [];
    const perPage = 100;
    for (let page = 1; page <= 100; page += 1) {
      const body = await this.call('tld_price', { currency, count_per_page: perPage, page_index: page });
      const listed = asArray(body['TldPrice']) as Body[];
      const unit = str(body['Currency']).toUpperCase() || currency;
      for (const entry of listed) {
        const price = tldPriceOf(entry, unit);
        if (price) out.push(price);
      }
      if (listed.length < perPage) break;
    }
    return out;
  }

  async register(
    args: Parameters<Registrar['register']>[0],
  ): Promise<{ domain: string; expiresAt: Date | null }> {
    const ids = args.contactIds ?? (args.contacts ? await this.createContacts(args.contacts) : undefined);
    const body = await this.call('register', {
      domain: args.domain,
      duration: args.years,
      currency: this.currency,
      registrant_contact: ids?.registrant,
      admin_contact: ids?.admin,
      technical_contact: ids?.admin,
      billing_contact: ids?.admin,
      premium: args.premium ? 1 : undefined,
    });
    return { domain: str(body['DomainName']) || args.domain, expiresAt: parseEpochMs(body['Expiration']) };
  }

  async renew(args: Parameters<Registrar['renew']>[0]): Promise<{ expiresAt: Date | null }> {
    const body = await this.call('renew', {
      domain: args.domain,
      duration: args.years,
      year: args.currentExpiryYear,
      currency: this.currency,
      no_renew_if_late_renew_fee_needed: 1,
    });
    return { expiresAt: parseEpochMs(body['Expiration']) };
  }

  async renewalPrice(domain: string) {
    const body = await this.call('renew', { domain, duration: 1, currency: this.currency, price_check: 1 });
    return renewalPriceOf(body, this.currency);
  }

  async transfer(args: Parameters<Registrar['transfer']>[0]): Promise<{ orderId: string }> {
    const body = await this.call('transfer', {
      domain: args.domain,
      auth: args.authCode,
      currency: this.currency,
    });
    const orderId = str(body['OrderId']);
    if (!orderId) throw new RegistrarError('retryable', 'transfer answered no OrderId', 'transfer');
    return { orderId };
  }

  async transferStatus(domain: string): Promise<TransferStatus | null> {
    return transferStatusOf(await this.call('get_transfer_status', { domain, transfer_type: 'in' }));
  }

  async cancelTransfer(args: { domain: string; orderId: string }): Promise<void> {
    await this.call('cancel_transfer', { domain: args.domain, order_id: args.orderId });
  }

  async setTransferAuthCode(args: { domain: string; orderId: string; authCode: string }): Promise<void> {
    await this.call('set_transfer_auth_code', {
      domain: args.domain,
      auth_code: args.authCode,
      order_id: args.orderId,
    });
  }

  /** `list_domain`, 100 a page, until the domain or a short page. */
  async inAccount(domain: string): Promise<{ expiresAt: Date | null } | null> {
    const perPage = 100;
    for (let page = 1; page <= 500; page += 1) {
      const body = await this.call('list_domain', { count_per_page: perPage, page_index: page });
      const listed = asArray(body['MainDomains']) as Body[];
      const hit = listed.find((d) => str(d['Name']).toLowerCase() === domain);
      if (hit) return { expiresAt: parseEpochMs(hit['Expiration']) };
      if (listed.length < perPage) return null;
    }
    return null;
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
      contactIds: whoisIds(info),
    };
  }

  readonly canSetAuthCode = false;
  /** api3's set_dns2 has record types for these only (no SRV, CAA or NS records). */
  readonly dnsRecordTypes: ReadonlyArray<DnsRecord['type']> = ['A', 'AAAA', 'CNAME', 'MX', 'TXT'];

  async getNameservers(domain: string): Promise<string[]> {
    return readNameservers(await this.call('get_ns', { domain }));
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
    await this.call('set_dns2', { domain, ...setDnsParams(records, this.dnsRecordTypes) });
  }

  async getDns(domain: string): Promise<DnsRecord[]> {
    return readDns(await this.call('get_dns', { domain }));
  }

  async setDnssec(domain: string, ds: DsRecord): Promise<void> {
    await this.call('set_dnssec', setDnssecParams(domain, ds));
  }

  async getDnssec(domain: string): Promise<DsRecord[]> {
    return readDnssec(await this.call('get_dnssec', { domain_name: domain }));
  }

  async clearDnssec(domain: string): Promise<void> {
    await this.call('set_clear_domain_setting', { domain, service: 'dnssec' });
  }
}
