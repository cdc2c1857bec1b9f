/**
 * The hosted DNS addon's client: PowerDNS Authoritative's HTTP API (v1) as its documentation
 * describes it — zones created with their rrsets, rrsets replaced or deleted with PATCH, the
 * zone read back as served, DNSSEC switched on a zone and its keys (with their DS) listed.
 */

export interface RRset {
  /** Fully qualified, with the trailing dot. */
  name: string;
  type: string;
  ttl: number;
  records: Array<{ content: string; disabled: boolean }>;
}

export interface ServedZone {
  name: string;
  serial: number;
  dnssec: boolean;
  rrsets: RRset[];
}

export interface CryptoKey {
  id: number;
  keytype: string;
  active: boolean;
  published: boolean;
  flags?: number;
  algorithm?: string;
  /** `keytag algorithm digesttype digest`, one per digest type (KSK/CSK only). */
  ds?: string[];
}

/** A DS record as the registrar takes it. */
export interface DelegationSigner {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: string;
}

/** The addon's server refused a request (4xx): the same request will not succeed later. */
export class DnsAddonRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DnsAddonRefused';
  }
}

/** The addon's server did not answer, or failed (5xx): worth retrying. */
export class DnsAddonUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsAddonUnavailable';
  }
}

export interface PowerDnsClientOptions {
  url: string;
  apiKey: string;
  serverId?: string | undefined;
  timeoutMs?: number | undefined;
}

/** `example.com` → `example.com.` */
export const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

export class PowerDnsClient {
  private readonly base: string;

  constructor(private readonly opts: PowerDnsClientOptions) {
    this.base = `${opts.url.replace(/\/$/, '')}/api/v1/servers/${encodeURIComponent(opts.serverId ?? 'localhost')}`;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          'X-API-Key': this.opts.apiKey,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new DnsAddonUnavailable(
        `DNS server unreachable: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const text = await res.text();
    if (res.status >= 500)
      throw new DnsAddonUnavailable(`DNS server answered ${res.status}: ${text.slice(0, 200)}`);
    if (res.status >= 400) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON
      }
      throw new DnsAddonRefused(message.slice(0, 300), res.status);
    }
    return text ? (JSON.parse(text) as unknown) : null;
  }

  private zonePath(zone: string): string {
    return `/zones/${encodeURIComponent(fqdn(zone))}`;
  }

  /** The zone as served, or null when the server has no such zone. */
  async getZone(zone: string): Promise<ServedZone | null> {
    try {
      const z = (await this.request('GET', this.zonePath(zone))) as ServedZone & { rrsets: RRset[] };
      return { name: z.name, serial: z.serial, dnssec: z.dnssec, rrsets: z.rrsets };
    } catch (err) {
      if (err instanceof DnsAddonRefused && (err.status === 404 || err.status === 422)) return null;
      throw err;
    }
  }

  /**
   * Creates a native zone with its SOA and rrsets (the apex NS among them). The serial is bumped by the
   * server at every change made through the API (`soa_edit_api` DEFAULT); rectified after each.
   */
  async createZone(args: { zone: string; soa: string; rrsets: RRset[] }): Promise<void> {
    await this.request('POST', '/zones', {
      name: fqdn(args.zone),
      kind: 'Native',
      soa_edit_api: 'DEFAULT',
      api_rectify: true,
      // The apex NS rrset comes with the others.
      nameservers: [],
      rrsets: [
        {
          name: fqdn(args.zone),
          type: 'SOA',
          ttl: 3600,
          changetype: 'REPLACE',
          records: [{ content: args.soa, disabled: false }],
        },
        ...args.rrsets.map((r) => ({ ...r, changetype: 'REPLACE' })),
      ],
    });
  }

  /** Replaces (or, with no records, deletes) rrsets in one change; the serial is bumped once. */
  async patchRRsets(
    zone: string,
    changes: Array<{ name: string; type: string; ttl: number; records: RRset['records'] }>,
  ) {
    if (changes.length === 0) return;
    await this.request('PATCH', this.zonePath(zone), {
      rrsets: changes.map((c) =>
        c.records.length === 0
          ? { name: c.name, type: c.type, changetype: 'DELETE' }
          : { ...c, changetype: 'REPLACE' },
      ),
    });
  }

  /** Removes the zone; a zone already gone is not an error. */
  async deleteZone(zone: string): Promise<void> {
    try {
      await this.request('DELETE', this.zonePath(zone));
    } catch (err) {
      if (err instanceof DnsAddonRefused && (err.status === 404 || err.status === 422)) return;
      throw err;
    }
  }

  /** Signs the zone (a CSK is created when it has no key) or removes its signing. */
  async setDnssec(zone: string, enabled: boolean): Promise<void> {
    await this.request('PUT', this.zonePath(zone), { dnssec: enabled, api_rectify: true });
  }

  async cryptoKeys(zone: string): Promise<CryptoKey[]> {
    return (await this.request('GET', `${this.zonePath(zone)}/cryptokeys`)) as CryptoKey[];
  }

  /** The DS records of the zone's active published key-signing keys, of one digest type (2: SHA-256). */
  async delegationSigners(zone: string, digestType = 2): Promise<DelegationSigner[]> {
    const keys = await this.cryptoKeys(zone);
    return keys
      .filter((k) => k.active && k.published && (k.keytype === 'csk' || k.keytype === 'ksk'))
      .flatMap((k) => k.ds ?? [])
      .map(parseDs)
      .filter((d) => d.digestType === digestType);
  }
}

/** `56814 13 2 2c24…` → its four fields. */
export function parseDs(text: string): DelegationSigner {
  const [keyTag, algorithm, digestType, ...digest] = text.trim().split(/\s+/);
  return {
    keyTag: Number(keyTag),
    algorithm: Number(algorithm),
    digestType: Number(digestType),
    digest: digest.join('').toLowerCase(),
  };
}
