import { z } from 'zod';
import {
  CONTACT_ROLES,
  contactIdSchema,
  contactSchema,
  oneWayPerRole,
  flagSchema,
  nameserversSchema,
  premiumPriceSchema,
  privacySchema,
  yearsSchema,
} from '../contacts.schema';
import { paginationQuery } from '../pagination.schema';

const domainName = z
  .string({ error: 'The domain name field is required.' })
  .trim()
  .min(1, 'The domain name field is required.')
  .max(1000);

export const checkRequest = z.object({ body: z.object({ domain_name: domainName }) });

export const registerRequest = z.object({
  body: z
    .object({
      domain_name: domainName,
      period: yearsSchema.default(1),
      nameservers: nameserversSchema.optional(),
      registrant: contactSchema.optional(),
      registrant_contact_id: contactIdSchema.optional(),
      admin: contactSchema.optional(),
      admin_contact_id: contactIdSchema.optional(),
      privacy: privacySchema.optional(),
      auto_renew: flagSchema.optional(),
      premium_price: premiumPriceSchema,
    })
    .superRefine((b, ctx) => oneWayPerRole(b, ctx, CONTACT_ROLES)),
});

export const domainParam = z.object({ domain: z.string().min(1).max(1000) });

export const renewRequest = z.object({
  params: domainParam,
  body: z.object({
    period: yearsSchema.default(1),
    premium_price: premiumPriceSchema,
  }),
});

const authCode = z.string().trim().min(1, 'The auth code field is required.').max(255);

/** The auth code as `auth_code` or `epp_code` (either name; `auth_code` wins when both come). */
export const transferRequest = z.object({
  params: domainParam,
  body: z
    .object({ auth_code: authCode.optional(), epp_code: authCode.optional(), period: yearsSchema.default(1) })
    .superRefine((b, ctx) => {
      if (b.auth_code === undefined && b.epp_code === undefined)
        ctx.addIssue({ code: 'custom', path: ['auth_code'], message: 'The auth code field is required.' });
    }),
});

export const transferAuthCodeRequest = z.object({
  params: z.object({ order: z.string().min(1).max(64) }),
  body: z.object({ auth_code: authCode }),
});

export const showDomainRequest = z.object({ params: domainParam });
export const showOrderRequest = z.object({ params: z.object({ order: z.string().min(1).max(64) }) });
export const listOrdersRequest = z.object({ query: paginationQuery });
