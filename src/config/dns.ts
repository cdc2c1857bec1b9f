import { z } from 'zod';

/** docker-compose passes an unset variable as an empty string. */
const emptyIsUnset = (v: unknown) => (v === '' ? undefined : v);

const port = z.coerce.number().int().min(0).max(65535);

const hostname = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/**
 * The hosted DNS addon (part of the schema in index.ts): the PowerDNS server that holds hosted
 * zones, the nameserver pair a domain is delegated to, and the zone's SOA contact.
 */
export const DNS_ADDON_SETTINGS = {
  DNS_ADDON_URL: z
    .string()
    .transform((v) => (v.trim() === '' ? undefined : v.trim()))
    .pipe(z.string().url().optional())
    .optional()
    .describe(
      "the hosted DNS addon's PowerDNS HTTP API (`http://127.0.0.1:8081`); unset or empty: no addon, DNS management is registrar-hosted (`npm run dev` and `prod:local` start a PowerDNS and set it)",
    ),
  DNS_ADDON_API_KEY: z
    .string()
    .min(1)
    .default('dev-only-pdns-api-key')
    .describe("PowerDNS's API key (sent as `X-API-Key`; never logged)"),
  DNS_ADDON_SERVER_ID: z.string().min(1).default('localhost').describe('PowerDNS server id in its API paths'),
  DNS_ADDON_NAMESERVERS: z
    .preprocess(emptyIsUnset, z.string().optional())
    .default('ns1.reseller-dns.test,ns2.reseller-dns.test')
    .transform((v) => v.split(',').map((n) => n.trim().toLowerCase().replace(/\.$/, '')))
    .pipe(
      z
        .array(z.string().regex(hostname, 'each nameserver must be a hostname'))
        .min(2, 'give the addon at least two nameservers')
        .max(13),
    )
    .describe(
      'the nameservers a hosted zone is delegated to at the registrar, comma-separated (at least two)',
    ),
  DNS_ADDON_SOA_CONTACT: z
    .preprocess(
      emptyIsUnset,
      z.string().regex(hostname, 'use the mailbox as a hostname: hostmaster.example.net').optional(),
    )
    .default('hostmaster.reseller-dns.test')
    .describe("the SOA's responsible mailbox, written as a hostname (`hostmaster.example.net`)"),
  DNS_ADDON_DNS_PORT: port
    .default(8053)
    .describe('DNS port (UDP and TCP, 127.0.0.1) of the PowerDNS `npm run dev` and `prod:local` start'),
  DNS_ADDON_API_PORT: port
    .default(8081)
    .describe('HTTP API port (127.0.0.1) of the PowerDNS `npm run dev` and `prod:local` start'),
  DNS_ADDON_DNS_SERVERS: z
    .preprocess(emptyIsUnset, z.string().optional())
    .transform((v) =>
      v
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(
      z
        .array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i, 'each server is host:port'))
        .min(1)
        .optional(),
    )
    .describe(
      "where the worker asks the addon's DNS servers for a signed zone's DNSKEY before its DS goes to the registrar, `host:port` comma-separated (every one must serve it); unset: `127.0.0.1:DNS_ADDON_DNS_PORT`",
    ),
  DNSSEC_DNSKEY_WAIT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(3600)
    .describe(
      "how long turning DNSSEC on waits for every addon DNS server to serve the zone's signed DNSKEY before it gives up (the zone is unsigned again and the DS never sent)",
    ),
  DNS_ADDON_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('timeout of one call to the PowerDNS API'),
  DNSSEC_UNSIGN_DELAY_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(172_800)
    .describe(
      "turning DNSSEC off removes the DS at the registrar first and keeps the zone signed this long (the parent's DS TTL: resolvers that cached the DS still validate), then unsigns it; a durable timer in the zone's workflow",
    ),
};
