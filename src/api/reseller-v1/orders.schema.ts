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

const gateway = z
  .enum(['midtrans', 'xendit'], { error: 'The gateway must be midtrans or xendit.' })
  .optional();

const domain = z
  .string({ error: 'The domain field is required.' })
  .trim()
  .min(1, 'The domain field is required.')
  .max(1000);

/** `domains[]=a&domains[]=b` (form) or `{"domains": [...]}`; a single `domain` also works. */
export const searchRequest = z.object({
  body: z
    .object({
      domains: z
        .union([
          z.array(z.string().max(1000)),
          z
            .string()
            .max(1000)
            .transform((d) => [d]),
        ])
        .optional(),
      domain: z.string().max(1000).optional(),
    })
    .transform((b, ctx) => {
      const list = [...(b.domains ?? []), ...(b.domain ? [b.domain] : [])]
        .map((d) => d.trim())
        .filter(Boolean);
      if (list.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['domains'],
          message: 'Send at least one domain in domains[].',
        });
      if (list.length > 100)
        ctx.addIssue({ code: 'custom', path: ['domains'], message: 'Send at most 100 domains per search.' });
      return { domains: [...new Set(list)] };
    }),
});

export const orderRegisterRequest = z.object({
  body: z
    .object({
      domain,
      years: yearsSchema.default(1),
      privacy: privacySchema.optional(),
      auto_renew: flagSchema.optional(),
      nameservers: nameserversSchema.optional(),
      registrant: contactSchema.optional(),
      registrant_contact_id: contactIdSchema.optional(),
      admin: contactSchema.optional(),
      admin_contact_id: contactIdSchema.optional(),
      premium_price: premiumPriceSchema,
      gateway,
    })
    // Seed 000 registers without contacts too (the registrar account's own are used).
    .superRefine((b, ctx) =>
      oneWayPerRole(
        b,
        ctx,
        CONTACT_ROLES.map((r) => ({ ...r, required: false })),
      ),
    ),
});

export const orderRenewRequest = z.object({
  body: z.object({
    domain,
    years: yearsSchema.default(1),
    gateway,
    premium_price: premiumPriceSchema,
  }),
});

export const orderTransferRequest = z.object({
  body: z.object({
    domain,
    auth_code: z
      .string({ error: 'The auth code field is required.' })
      .trim()
      .min(1, 'The auth code field is required.')
      .max(255),
    years: yearsSchema.default(1),
    gateway,
  }),
});

export const payInvoiceRequest = z.object({ params: z.object({ invoice: z.string().min(1).max(64) }) });
