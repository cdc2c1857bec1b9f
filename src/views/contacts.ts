import { z } from 'zod';
import type { ContactRow } from '../db/models';
import type { ContactDomain } from '../services/contacts';
import { iso as isoSchema } from './json';

/* A contact handle as the API answers it. */

export const ContactJson = z
  .object({
    id: z.string(),
    name: z.string(),
    organization: z.string().nullable(),
    address1: z.string(),
    address2: z.string().nullable(),
    city: z.string(),
    state: z.string().nullable(),
    postcode: z.string(),
    country: z.string(),
    phone: z.string(),
    email: z.string(),
    version: z.int(),
    registrar_contact_id: z
      .string()
      .nullable()
      .describe("The registrar's ID of this version (null until an order or a Whois change needs it there)."),
    domain_count: z.int().optional(),
    created_at: isoSchema,
    updated_at: isoSchema,
  })
  .meta({ id: 'Contact' });

export function presentContact(row: ContactRow & { domainCount?: number }): z.infer<typeof ContactJson> {
  return {
    id: row.publicId,
    name: row.name,
    organization: row.organization,
    address1: row.address1,
    address2: row.address2,
    city: row.city,
    state: row.state,
    postcode: row.postcode,
    country: row.country,
    phone: row.phone,
    email: row.email,
    version: row.version,
    registrar_contact_id: row.registrarVersion === row.version ? row.registrarContactId : null,
    ...(row.domainCount !== undefined ? { domain_count: row.domainCount } : {}),
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

export const ContactDomainJson = z.object({
  domain_name: z.string(),
  roles: z.array(z.enum(['registrant', 'admin'])),
  up_to_date: z.boolean().describe("Whether the domain's Whois names this version's registrar contact."),
  registrar_synced: z.boolean(),
});

export function presentContactDomain(d: ContactDomain): z.infer<typeof ContactDomainJson> {
  return { domain_name: d.name, roles: d.roles, up_to_date: d.upToDate, registrar_synced: d.registrarSynced };
}
