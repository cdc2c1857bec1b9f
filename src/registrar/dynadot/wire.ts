/**
 * Dynadot's api3 wire format, in one place: `GET /api3.json?key=…&command=…&…`, answered with
 * `{"<Command>Response": {"ResponseCode": 0 | "0" | "-1", "Status": "…", "Error": "…", …}}`,
 * errors included with HTTP 200. Response shapes have changed over time (`…Header` wrappers,
 * numeric or string codes, missing Status), so parsing is defensive.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseDecimalToMinor } from '../../money';
import { RegistrarError } from '../errors';
import type { Contact, Money, TransferState, TransferStatus } from '../types';

export const asArray = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];
export const str = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** Whether two contacts are the same person (field order and empty fields aside). */
export function sameContact(a: Contact, b: Contact): boolean {
  const filled = (c: Contact) =>
    Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== ''));
  return isDeepStrictEqual(filled(a), filled(b));
}

export type Params = Record<string, string | number | undefined>;

export function buildUrl(baseUrl: string, key: string, command: string, params: Params): URL {
  const url = new URL(baseUrl);
  url.searchParams.set('key', key);
  url.searchParams.set('command', command);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

/** The API key travels in the query string: never log a Dynadot URL without this. */
export function redactUrl(url: URL): string {
  const copy = new URL(url);
  if (copy.searchParams.has('key')) copy.searchParams.set('key', 'REDACTED');
  for (const name of ['auth', 'auth_code'])
    if (copy.searchParams.has(name)) copy.searchParams.set(name, 'REDACTED');
  return copy.toString();
}

export type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const BUSY = /system[_ ]busy|too many requests|try again|main server|rate limit|temporarily/i;
/** A regular account's answer to a search of more than one name: a refusal, not a busy registrar. */
export const ONE_NAME_PER_SEARCH = /one domain per command/i;
/** `register` of a premium name without `premium=1` (reference §1.3a; fixture registerPremiumNeedsOption). */
const PREMIUM_REQUIRED = /is a premium domain.*premium option/i;
const NOT_FOUND = /could not find|not found in your account|not in your account|domain not found/i;
const UNSUPPORTED = /not supported|unsupported|not available for this tld/i;

/**
 * A call that got no answer: refused (nothing listens, so the call never left), or timed out or
 * dropped (it may have reached the registrar).
 */
export function fetchFailure(err: unknown, command: string): RegistrarError {
  const code = (err as { cause?: { code?: unknown } }).cause?.code;
  const reason =
    err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
      ? 'timed out'
      : code === 'ECONNREFUSED'
        ? 'connection refused'
        : 'connection failed';
  return new RegistrarError('retryable', `registrar ${reason}`, command);
}

/** Unwraps the command's envelope and raises a classified RegistrarError for failures. */
export function parseEnvelope(command: string, json: unknown): Body {
  if (!isObject(json))
    throw new RegistrarError('retryable', 'registrar answered with no JSON object', command);
  const keys = Object.keys(json);
  const key = keys.find((k) => /Response$/.test(k)) ?? keys.find((k) => /Header$/.test(k)) ?? keys[0];
  const outer = key ? json[key] : undefined;
  if (!isObject(outer))
    throw new RegistrarError('retryable', 'registrar answered with an unknown envelope', command);
  // Older shapes nest the code in a `…Header` object beside (or inside) the content.
  const header = Object.entries(outer).find(([k, v]) => /Header$/.test(k) && isObject(v))?.[1] as
    Body | undefined;
  const meta = header ?? outer;
  const rawCode = meta['ResponseCode'] ?? meta['SuccessCode'];
  const code = rawCode === undefined || rawCode === '' ? NaN : Number(rawCode);
  const status = typeof meta['Status'] === 'string' ? meta['Status'].toLowerCase() : '';
  const error = typeof meta['Error'] === 'string' ? meta['Error'] : '';
  const ok = code === 0 && !['error', 'not_available', 'system_busy'].includes(status);
  if (ok) return outer;

  const message = error || status || `response code ${String(rawCode)}`;
  if (ONE_NAME_PER_SEARCH.test(message)) throw new RegistrarError('rejected', message, command);
  if (code === 5 || status === 'system_busy' || BUSY.test(message)) {
    throw new RegistrarError('retryable', `registrar busy: ${message}`, command);
  }
  if (status === 'not_available')
    throw new RegistrarError('rejected', 'The domain is not available.', command, undefined, 'not_available');
  if (PREMIUM_REQUIRED.test(message))
    throw new RegistrarError('rejected', message, command, undefined, 'premium_required');
  if (NOT_FOUND.test(message)) throw new RegistrarError('not_found', message, command);
  if (UNSUPPORTED.test(message)) throw new RegistrarError('unsupported', message, command);
  if (Number.isNaN(code))
    throw new RegistrarError('retryable', `registrar answered without a code: ${message}`, command);
  throw new RegistrarError('rejected', message, command);
}

/** Dynadot times are epoch milliseconds (number or string); 0 or garbage means unknown. */
export function parseEpochMs(value: unknown): Date | null {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(n);
}

export function yes(value: unknown): boolean {
  return typeof value === 'string' ? /^(yes|true|1|locked)$/i.test(value) : value === true || value === 1;
}

/** `+255.754123456` → `{ cc: '255', number: '754123456' }`. */
export function splitPhone(phone: string): { cc: string; number: string } {
  const m = /^\+(\d{1,3})\.(\d{4,14})$/.exec(phone.trim());
  if (!m) throw new RegistrarError('rejected', `phone ${phone} is not in +CCC.NNNN form`);
  return { cc: m[1]!, number: m[2]! };
}

/** A contact as `create_contact` takes it. */
export function contactParams(contact: Contact): Params {
  const phone = splitPhone(contact.phone);
  return {
    name: contact.name,
    organization: contact.organization,
    email: contact.email,
    phonecc: phone.cc,
    phonenum: phone.number,
    address1: contact.address1,
    address2: contact.address2,
    city: contact.city,
    state: contact.state,
    zip: contact.postcode,
    country: contact.country,
  };
}

export interface SearchPrice {
  register: Money | undefined;
  renewal: Money | undefined;
  premium: boolean;
}

const amountIn = (amount: string, currency: string): Money | undefined => {
  try {
    const code = currency.toUpperCase();
    return { amountMinor: parseDecimalToMinor(amount.replace(/,/g, ''), code), currency: code };
  } catch {
    return undefined;
  }
};

/**
 * A search result's `Price`. Live, it is a sentence: `Registration Price: 10.88 in USD and
 * Renewal price: 10.88 in USD and Domain is not a Premium Domain` (premium names: `… and Domain
 * is a Premium Domain`); the documentation's sample `77.00 in USD` is read as a registration
 * price that says nothing of premium.
 */
export function parseSearchPrice(text: string): SearchPrice {
  const t = text.trim();
  const reg = /Registration Price:\s*([\d.,]+)\s+in\s+([A-Z]{3})/i.exec(t);
  const ren = /Renewal price:\s*([\d.,]+)\s+in\s+([A-Z]{3})/i.exec(t);
  const premium = /Domain is a Premium Domain/i.test(t) && !/Domain is not a Premium Domain/i.test(t);
  if (reg)
    return {
      register: amountIn(reg[1]!, reg[2]!),
      renewal: ren ? amountIn(ren[1]!, ren[2]!) : undefined,
      premium,
    };
  const sample = /^([\d.,]+)\s+in\s+([A-Z]{3})$/i.exec(t);
  return { register: sample ? amountIn(sample[1]!, sample[2]!) : undefined, renewal: undefined, premium };
}

/**
 * `renew` with `price_check=1` answers `Status: "price_check_success"` and a `PriceInfo` instead
 * of renewing (Dynadot's renew reference). The documentation does not show PriceInfo's text: it is
 * read as the search price sentence is, an amount followed by `in CUR` (`Renewal Price: 500.00 in
 * USD`), the renewal figure first when the sentence names both.
 */
export function renewalPriceOf(body: Body, currency: string): Money {
  const price = parsePriceInfo(body['PriceInfo']);
  if (!price || str(body['Status']) !== 'price_check_success')
    throw new RegistrarError('rejected', 'renew price_check answered no price', 'renew');
  if (price.currency !== currency)
    throw new RegistrarError('rejected', `renew price_check answered in ${price.currency}`, 'renew');
  return price;
}

function parsePriceInfo(value: unknown): Money | undefined {
  const text =
    typeof value === 'string' ? value : value && typeof value === 'object' ? JSON.stringify(value) : '';
  const renewal = /Renew(?:al)?\s+price:\s*([\d.,]+)\s+in\s+([A-Z]{3})/i.exec(text);
  const any = renewal ?? /([\d.,]+)\s+in\s+([A-Z]{3})/i.exec(text);
  return any ? amountIn(any[1]!, any[2]!) : undefined;
}

/**
 * `get_transfer_status`'s `TransferStatus` words, as independent clients map them: none,
 * waiting, approved, locked, auth code needed, cancelled, failed, and `Transferred` when done.
 */
export function transferStateOf(text: string): TransferState {
  const t = text.trim().toLowerCase();
  if (/^transferred$|complet|success/.test(t)) return 'completed';
  if (/auth/.test(t)) return 'auth_code_needed';
  if (/lock/.test(t)) return 'locked';
  if (/cancel/.test(t)) return 'cancelled';
  if (/fail|reject|denied|timed? ?out/.test(t)) return 'failed';
  if (/approv/.test(t)) return 'approved';
  if (/wait|pending|process/.test(t)) return 'waiting';
  if (/^none$|^$/.test(t)) return 'none';
  return 'pending';
}

/** `get_transfer_status`'s newest order (newest first: the first element is the one that counts), or null. */
export function transferStatusOf(body: Body): TransferStatus | null {
  const first = (asArray(body['TransferList']) as Body[])[0];
  if (!first) return null;
  const text = str(first['TransferStatus']);
  return { orderId: str(first['OrderId']), state: transferStateOf(text), text };
}

/** `get_contact`'s contact (phone as `+CC.NUMBER`, country upper case). */
export function readContact(body: Body): Contact {
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

/** The Whois contact IDs a domain_info answer lists (the admin defaults to the registrant), or null. */
export function whoisIds(info: Body): { registrant: string; admin: string } | null {
  const whois = (info['Whois'] ?? {}) as Body;
  const idOf = (role: string) => str(((whois[role] ?? {}) as Body)['ContactId']);
  const registrant = idOf('Registrant');
  return registrant ? { registrant, admin: idOf('Admin') || registrant } : null;
}
