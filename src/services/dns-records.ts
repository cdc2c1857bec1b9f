import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { txtStrings } from '../hosted-dns/zone';
import { DNS_RECORD_TYPES } from '../../workflows/contracts';

export const RECORD_TYPES = DNS_RECORD_TYPES;
export type RecordType = (typeof RECORD_TYPES)[number];

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A hostname (IDN accepted, stored as punycode, trailing dot allowed), or null when invalid. */
export function normaliseHostname(value: string): string | null {
  const trimmed = value.trim().replace(/\.$/, '');
  if (trimmed === '' || /[\s/\\:@]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l))) return null;
  // An IP address is not a hostname: the last label (TLD) is never all digits.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/** `@` (zone root), `*`, or labels such as `www`, `mail`, `_sip._tcp`, `*.dev` (IDN accepted). */
export function normaliseRecordName(value: string): string | null {
  const trimmed = value.trim().replace(/\.$/, '').toLowerCase();
  if (trimmed === '@' || trimmed === '*') return trimmed;
  if (trimmed === '' || trimmed.length > 200) return null;
  const labels = trimmed.split('.');
  const out: string[] = [];
  for (const [i, label] of labels.entries()) {
    if (label === '*' && i === 0) {
      out.push(label);
      continue;
    }
    if (/^_[a-z0-9-]{1,62}$/.test(label)) {
      out.push(label);
      continue;
    }
    const ascii = domainToASCII(label);
    if (!ascii || !HOST_LABEL.test(ascii)) return null;
    out.push(ascii);
  }
  return out.join('.');
}

const ttl = z.coerce
  .number({ error: 'The ttl must be a number of seconds.' })
  .int('The ttl must be a whole number of seconds.')
  .min(60, 'The ttl must be at least 60 seconds.')
  .max(86400, 'The ttl may not be greater than 86400 seconds.')
  .default(14400);

const u16 = (field: string) =>
  z.coerce
    .number({ error: `The ${field} must be a number.` })
    .int(`The ${field} must be a whole number.`)
    .min(0, `The ${field} must be between 0 and 65535.`)
    .max(65535, `The ${field} must be between 0 and 65535.`);

/** One DNS record as callers send it; validated by type (A → IPv4, AAAA → IPv6, hostnames, …). */
export const recordSchema = z
  .object({
    type: z
      .string({ error: 'The type field is required.' })
      .transform((t) => t.toUpperCase())
      .pipe(z.enum(RECORD_TYPES, { error: `The type must be one of ${RECORD_TYPES.join(', ')}.` })),
    name: z.string({ error: 'The name field is required.' }).max(255),
    value: z
      .string({ error: 'The value field is required.' })
      .max(8192, 'The value may not be longer than 8192 characters.'),
    ttl,
    priority: u16('priority').optional(),
    weight: u16('weight').optional(),
    port: u16('port').optional(),
    flags: z.coerce
      .number()
      .int()
      .min(0, 'The flags must be between 0 and 255.')
      .max(255, 'The flags must be between 0 and 255.')
      .optional(),
    tag: z.string().optional(),
  })
  .transform((r, ctx) => {
    const issue = (path: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const name = normaliseRecordName(r.name);
    if (name === null)
      issue('name', 'The name must be @, *, or a hostname label such as www, mail or _sip._tcp.');
    let value = r.value.trim();
    switch (r.type) {
      case 'A':
        if (!isIPv4(value)) issue('value', 'An A record needs an IPv4 address.');
        break;
      case 'AAAA':
        if (!isIPv6(value)) issue('value', 'An AAAA record needs an IPv6 address.');
        // Kept in its canonical (compressed, lower-case) form, the one DNS servers show.
        else value = new URL(`http://[${value}]/`).hostname.slice(1, -1);
        break;
      case 'CNAME':
      case 'NS':
      case 'MX': {
        const host = normaliseHostname(value);
        if (host === null)
          issue(
            'value',
            isIPv4(value) || isIPv6(value)
              ? `A ${r.type} record points at a hostname, not an IP address.`
              : `A ${r.type} record needs a valid hostname.`,
          );
        else value = host;
        if (r.type === 'NS' && name === '@')
          issue(
            'name',
            "An NS record at @ would replace the zone's own nameservers; use the nameservers endpoint.",
          );
        if (r.type === 'MX' && r.priority === undefined)
          issue('priority', 'An MX record needs a priority (0-65535).');
        if (r.type === 'CNAME' && name === '@')
          issue('name', 'A CNAME record cannot be at the zone root (@).');
        break;
      }
      case 'SRV': {
        if (name !== null && !/^_[a-z0-9-]+\._(tcp|udp|tls)(\.|$)/.test(name)) {
          issue('name', 'An SRV record name must look like _service._tcp or _service._udp.');
        }
        for (const f of ['priority', 'weight', 'port'] as const) {
          if (r[f] === undefined) issue(f, `An SRV record needs a ${f} (0-65535).`);
        }
        const host = value === '.' ? '.' : normaliseHostname(value);
        if (host === null) issue('value', 'An SRV record needs a valid target hostname.');
        else value = host;
        break;
      }
      case 'CAA': {
        if (r.flags === undefined) issue('flags', 'A CAA record needs flags (0-255).');
        if (!r.tag || !['issue', 'issuewild', 'iodef'].includes(r.tag))
          issue('tag', 'A CAA record tag must be issue, issuewild or iodef.');
        if (value === '' || value.length > 255)
          issue('value', 'A CAA record needs a value of at most 255 characters.');
        break;
      }
      case 'TXT': {
        if (value === '') issue('value', 'A TXT record needs a value.');
        if (value.length > 4096) issue('value', 'A TXT record may not be longer than 4096 characters.');
        const strings = txtStrings(value);
        if (strings === null)
          issue('value', 'A quoted TXT value must be whole strings such as "part one" "part two".');
        else if (strings.some((t) => Buffer.byteLength(t, 'utf8') > 255))
          issue(
            'value',
            'Each TXT string may hold at most 255 bytes; split a longer value into quoted strings ("…" "…").',
          );
        // eslint-disable-next-line no-control-regex
        if (/[\x00-\x1f\x7f]/.test(value))
          issue('value', 'A TXT record may only contain printable characters.');
        break;
      }
    }
    return {
      type: r.type,
      name: name ?? r.name,
      value,
      ttl: r.ttl,
      priority: r.type === 'MX' || r.type === 'SRV' ? (r.priority ?? null) : null,
      weight: r.type === 'SRV' ? (r.weight ?? null) : null,
      port: r.type === 'SRV' ? (r.port ?? null) : null,
      flags: r.type === 'CAA' ? (r.flags ?? null) : null,
      tag: r.type === 'CAA' ? (r.tag ?? null) : null,
    };
  });

export type RecordInput = z.output<typeof recordSchema>;

/** CNAME may not share its name with any other record. Returns the clashing name, if any. */
export function cnameConflict(records: ReadonlyArray<Pick<RecordInput, 'type' | 'name'>>): string | null {
  const byName = new Map<string, string[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r.type]);
  for (const [name, types] of byName) if (types.includes('CNAME') && types.length > 1) return name;
  return null;
}
