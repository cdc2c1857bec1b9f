import { z } from 'zod';
import { contactSchema, nameserversSchema, premiumPriceSchema, yearsSchema } from '../contacts.schema';

/** Old field names of a Whois contact: `address`, `postalCode` (mapped to address1, postcode). */
export const legacyContactSchema = z.preprocess((raw) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const { address, postalCode, ...rest } = raw as Record<string, unknown>;
  return { ...rest, address1: rest['address1'] ?? address, postcode: rest['postcode'] ?? postalCode };
}, contactSchema);

const domainName = z
  .string({ error: 'The domainName field is required.' })
  .trim()
  .min(1, 'The domainName field is required.')
  .max(1000);

/** The legacy actions and their old-style bodies (seed 003, "Legacy API Compatibility"). */
export const legacyRequest = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('checkDomain'), domainName }),
    z.object({ action: z.literal('getDomainInfo'), domainName }),
    z.object({
      action: z.literal('registerDomain'),
      domainName,
      period: yearsSchema.default(1),
      nameservers: nameserversSchema.optional(),
      registrantInfo: legacyContactSchema,
      adminInfo: legacyContactSchema.optional(),
    }),
    z.object({ action: z.literal('getNameservers'), domainName }),
    z.object({ action: z.literal('updateNameservers'), domainName, nameservers: nameserversSchema }),
    z.object({ action: z.enum(['getContactDetails', 'getWhois']), domainName }),
    z.object({
      action: z.enum(['updateContactDetails', 'updateWhois']),
      domainName,
      registrantInfo: legacyContactSchema,
      adminInfo: legacyContactSchema.optional(),
    }),
    z.object({
      action: z.literal('renewDomain'),
      domainName,
      period: yearsSchema.default(1),
      premiumPrice: premiumPriceSchema,
    }),
    z.object({ action: z.literal('getEPPCode'), domainName }),
    z.object({
      action: z.literal('transferDomain'),
      domainName,
      authCode: z
        .string({ error: 'The authCode field is required.' })
        .trim()
        .min(1, 'The authCode field is required.')
        .max(255),
      period: yearsSchema.default(1),
    }),
    z.object({ action: z.literal('getBalance') }),
  ],
  { error: 'Unknown or missing action.' },
);

export type LegacyRequest = z.infer<typeof legacyRequest>;
export const LEGACY_ACTIONS = [
  'checkDomain',
  'getDomainInfo',
  'registerDomain',
  'getNameservers',
  'updateNameservers',
  'getContactDetails',
  'getWhois',
  'updateContactDetails',
  'updateWhois',
  'renewDomain',
  'getEPPCode',
  'transferDomain',
  'getBalance',
] as const;
