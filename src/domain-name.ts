import { domainToASCII, domainToUnicode } from 'node:url';
import { z } from 'zod';

export interface NormalisedName {
  /** ASCII (punycode) form, lower case, no trailing dot: what we store and send upstream. */
  ascii: string;
  /** Unicode form, for display. */
  unicode: string;
}

export class DomainNameError extends Error {
  override name = 'DomainNameError';
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises a domain name (trim, lower case, IDN to punycode, trailing dot removed) and checks
 * its syntax: 2+ labels of letters, digits and inner hyphens, each ≤ 63, total ≤ 253.
 */
export function normaliseDomainName(input: string): NormalisedName {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '') throw new DomainNameError('The domain name field is required.');
  if (trimmed.length > 253 * 4) throw new DomainNameError('The domain name is too long.');
  if (/[\s/\\:@?#]/.test(trimmed)) throw new DomainNameError('The domain name contains invalid characters.');
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii === '') throw new DomainNameError('The domain name is not a valid domain name.');
  if (ascii.length > 253) throw new DomainNameError('The domain name may not be longer than 253 characters.');
  const labels = ascii.split('.');
  if (labels.length < 2)
    throw new DomainNameError('The domain name must include a TLD, such as example.com.');
  for (const label of labels) {
    if (!LABEL.test(label)) throw new DomainNameError('The domain name is not a valid domain name.');
    if (label.slice(2, 4) === '--' && !label.startsWith('xn--')) {
      throw new DomainNameError('The domain name is not a valid domain name.');
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw new DomainNameError('The TLD may not be numeric.');
  return { ascii, unicode: domainToUnicode(ascii) };
}

/**
 * Splits a normalised name against the catalog's TLDs (longest match: `co.tz` before `tz`).
 * Only a single label under a sold TLD is registrable.
 */
export function splitRegistrable(ascii: string, tlds: ReadonlySet<string>): { sld: string; tld: string } {
  const labels = ascii.split('.');
  for (let i = 1; i < labels.length; i += 1) {
    const tld = labels.slice(i).join('.');
    if (tlds.has(tld)) {
      if (i !== 1) throw new DomainNameError(`Only second-level names under .${tld} can be registered.`);
      return { sld: labels[0]!, tld };
    }
  }
  throw new DomainNameError(`The TLD .${labels.slice(1).join('.')} is not offered.`);
}

/** A hostname as nameservers and glue hosts take it: trimmed, lower case, no trailing dot, LDH labels. */
export const hostnameSchema = (message: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .transform((h) => h.replace(/\.$/, ''))
    .refine((h) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/.test(h), {
      message,
    });
