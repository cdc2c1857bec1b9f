import { z } from 'zod';
import { glueHostBody } from '../../services/glue-hosts';
import {
  CONTACT_ROLES,
  contactIdSchema,
  contactSchema,
  flagSchema,
  nameserversSchema,
  oneWayPerRole,
} from '../contacts.schema';

/** Seed 003's Whois update names both roles (each by a handle's ID or inline). */
const WHOIS_ROLES = CONTACT_ROLES.map((r) => ({ ...r, required: true }));

const domainParam = z.object({ domain: z.string().min(1).max(1000) });

export const domainRequest = z.object({ params: domainParam });
export const nameserversRequest = z.object({
  params: domainParam,
  body: z.object({ nameservers: nameserversSchema }),
});
export const whoisRequest = z.object({
  params: domainParam,
  body: z
    .object({
      registrant: contactSchema.optional(),
      registrant_contact_id: contactIdSchema.optional(),
      admin: contactSchema.optional(),
      admin_contact_id: contactIdSchema.optional(),
    })
    .superRefine((b, ctx) => oneWayPerRole(b, ctx, WHOIS_ROLES)),
});
export const lockRequest = z.object({ params: domainParam, body: z.object({ locked: flagSchema }) });
export const privacyRequest = z.object({ params: domainParam, body: z.object({ enabled: flagSchema }) });
export const operationRequest = z.object({ params: z.object({ operation: z.string().min(1).max(300) }) });

const hostParam = z.object({ domain: z.string().min(1).max(1000), host: z.string().min(1).max(253) });

export const hostsRequest = z.object({ params: domainParam });
export const registerHostRequest = z.object({
  params: domainParam,
  body: glueHostBody,
});
export const setHostRequest = z.object({
  params: hostParam,
  body: z.object({ ips: glueHostBody.shape.ips }),
});
export const deleteHostRequest = z.object({ params: hostParam });
