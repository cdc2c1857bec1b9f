import { parseDecimalCeilToMinor } from '../../money';
import { RegistrarError } from '../errors';
import type { AccountLimiter } from '../limiter';
import type { SearchResult, TldPrice } from '../types';
import {
  asArray,
  type Body,
  buildUrl,
  fetchFailure,
  type Params,
  parseEnvelope,
  parseSearchPrice,
  str,
  yes,
} from './wire';

/** How the client reaches one account. */
export interface DynadotOptions {
  /** `https://api.dynadot.com/api3.json` in production; the simulator in dev and tests. */
  baseUrl: string;
  apiKey: string;
  /** The currency the account is billed in (one of REGISTRAR_CURRENCIES). */
  currency: string;
  /** Names per `search` call: 1 on a regular account, up to 100 on bulk levels. */
  searchBatch: number;
  /** The account's threads and calls per window, kept for every caller sharing this limiter. */
  limiter: AccountLimiter;
  timeoutMs: number;
  /** Pause after a throttled answer that gave no Retry-After. */
  throttlePauseMs?: number;
  fetch?: typeof fetch;
}

/**
 * One api3 call over HTTP within the account's limits: a thread and a slot of the window from
 * the shared limiter, the answer's envelope parsed, a throttled (429) or busy answer pausing
 * every caller of the limiter before it is reported as retryable.
 */
export class DynadotTransport {
  private readonly limiter: AccountLimiter;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: Omit<DynadotOptions, 'currency' | 'searchBatch'>) {
    this.limiter = opts.limiter;
    this.fetchFn = opts.fetch ?? fetch;
  }

  async call(command: string, params: Params = {}): Promise<Body> {
    const release = await this.limiter.acquire();
    try {
      return await this.send(command, params);
    } finally {
      release();
    }
  }

  private async send(command: string, params: Params): Promise<Body> {
    const url = buildUrl(this.opts.baseUrl, this.opts.apiKey, command, params);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method: 'GET',
        headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw fetchFailure(err, command);
    }
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get('retry-after'));
      const pauseMs =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter * 1000
          : (this.opts.throttlePauseMs ?? 1000);
      await this.limiter.pause(pauseMs);
      throw new RegistrarError('retryable', 'registrar throttled the call (429)', command, pauseMs);
    }
    if (res.status !== 200) {
      throw new RegistrarError(
        res.status >= 500 ? 'retryable' : 'rejected',
        `registrar HTTP ${res.status}`,
        command,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      throw new RegistrarError('retryable', 'registrar answered with invalid JSON', command);
    }
    try {
      return parseEnvelope(command, json);
    } catch (err) {
      if (err instanceof RegistrarError && err.retryable && /busy/.test(err.message)) {
        await this.limiter.pause(this.opts.throttlePauseMs ?? 1000);
      }
      throw err;
    }
  }
}

/** One `tld_price` entry as a one-year price list in `unit` (null without a TLD); a price it cannot read is null. */
export function tldPriceOf(entry: Body, unit: string): TldPrice | null {
  const tld = str(entry['Tld']).replace(/^\./, '').toLowerCase();
  if (!tld) return null;
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
  return {
    tld,
    currency: unit,
    register: amount('Register'),
    renew: amount('Renew'),
    transfer: amount('Transfer'),
  };
}

/** A `search` answer as one result per name asked, in that order (a name it left out: retryable). */
export function searchResultsOf(body: Body, domains: readonly string[]): SearchResult[] {
  const results = asArray(body['SearchResults']) as Body[];
  return domains.map((domain) => {
    const hit = results.find((r) => str(r['DomainName']).toLowerCase() === domain);
    if (!hit) throw new RegistrarError('retryable', `search answered nothing for ${domain}`, 'search');
    const price = parseSearchPrice(str(hit['Price']));
    return {
      domain,
      available: yes(hit['Available']),
      premium: price.premium,
      price: price.register,
      renewal: price.renewal,
    };
  });
}
