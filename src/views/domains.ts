import type { DomainSummary } from '../services/domains';
import { z } from 'zod';
import { moneyJson } from '../money';
import { isoOrNull, MoneyJson } from './json';

/* A domain and what is asked or answered about it, as the API answers them: each schema beside its presenter. */

/** Whether the registrar has been seen to hold what we answer (our record answers either way). */
export const RegistrarSyncJson = z.object({
  registrar_synced: z
    .boolean()
    .describe(
      'false while the registrar does not show our latest change yet (it lags up to ~30 minutes): the answer is our record of what was sent',
    ),
  registrar_synced_at: isoOrNull.describe('When the registrar was last seen to hold our record.'),
});

/** The registrar sync state of a domain row. */
export function presentSync(
  d: Pick<DomainSummary, 'registrarPendingSince' | 'registrarSyncedAt'>,
): z.infer<typeof RegistrarSyncJson> {
  return {
    registrar_synced: d.registrarPendingSince === null,
    registrar_synced_at: d.registrarSyncedAt ? new Date(d.registrarSyncedAt).toISOString() : null,
  };
}

export const RenewalHeldJson = z
  .object({
    renewal_price: MoneyJson.describe('What a year costs now.'),
    previous_price: MoneyJson.describe('What the reseller last paid for a year.'),
    expires_at: z.string().describe('The expiry the held renewal was for.'),
    since: z.string(),
  })
  .meta({ id: 'RenewalHeld' });

/** A held auto-renewal as the API shows it. */
export function presentRenewalHeld(h: DomainSummary['renewalHeld']): z.infer<typeof RenewalHeldJson> | null {
  if (!h) return null;
  return {
    renewal_price: moneyJson(BigInt(h.priceMinor), h.currency),
    previous_price: moneyJson(BigInt(h.previousMinor), h.currency),
    expires_at: h.expiresAt,
    since: h.since,
  };
}

export const DomainJson = z
  .object({
    id: z.int(),
    domain_name: z.string(),
    status: z.string(),
    registered_at: isoOrNull,
    expires_at: isoOrNull,
    auto_renew: z.boolean(),
    privacy: z.string(),
    locked: z.boolean(),
    nameservers: z.array(z.string()),
    ...RegistrarSyncJson.shape,
    premium: z
      .boolean()
      .describe("A premium name: it renews at the registrar's premium renewal price, never the catalog's."),
    renewal_held: RenewalHeldJson.nullable().describe(
      'The auto-renewal held back because its price rose (null: none): renew by hand at the new price.',
    ),
  })
  .meta({ id: 'Domain' });

/** The public JSON of a domain, shared by every surface. */
export function presentDomain(d: DomainSummary): z.infer<typeof DomainJson> {
  return {
    id: d.id,
    domain_name: d.name,
    status: d.status,
    registered_at: d.registeredAt?.toISOString() ?? null,
    expires_at: d.expiresAt?.toISOString() ?? null,
    auto_renew: d.autoRenew,
    privacy: d.privacy,
    locked: d.locked,
    nameservers: d.nameservers,
    ...presentSync(d),
    premium: d.premium,
    renewal_held: presentRenewalHeld(d.renewalHeld),
  };
}

export const GlueHostJson = z
  .object({
    host: z.string(),
    ips: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'GlueHost' });

/** A nameserver host (glue) as our record holds it. */
export function presentGlueHost(r: {
  host: string;
  ips: string[];
  createdAt: Date;
  updatedAt: Date;
}): z.infer<typeof GlueHostJson> {
  return {
    host: r.host,
    ips: r.ips,
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
  };
}

export const SearchRowJson = z
  .object({
    domain_name: z.string(),
    available: z.boolean().nullable(),
    premium: z.boolean(),
    prices: z.record(z.string(), MoneyJson).nullable(),
    reason: z.string().optional().describe('Why the name could not be checked (invalid, or a TLD not sold).'),
  })
  .meta({ id: 'SearchResult' });

const ContactJson = z.object({
  name: z.string(),
  organization: z.string().optional(),
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postcode: z.string(),
  country: z.string(),
  phone: z.string(),
  email: z.string(),
});

export const ContactsJson = z
  .object({ registrant: ContactJson, admin: ContactJson })
  .meta({ id: 'Contacts' });

export const PrivacyJson = z.object({ enabled: z.boolean(), privacy: z.string() });

/* The reads of one domain's settings: our record, with its registrar sync state. */
export const NameserversReadJson = z.object({ nameservers: z.array(z.string()), ...RegistrarSyncJson.shape });
export const ContactsReadJson = ContactsJson.extend(RegistrarSyncJson.shape);
export const LockReadJson = z.object({ locked: z.boolean(), ...RegistrarSyncJson.shape });
export const PrivacyReadJson = PrivacyJson.extend(RegistrarSyncJson.shape);

export const OperationJson = z.object({
  id: z.string(),
  status: z.enum(['processing', 'completed', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
