import { z } from 'zod';
import { hostnameSchema } from '../domain-name';

/** A Whois contact as seed 003 sends it (registrant / admin). */
export const contactSchema = z.object({
  name: z.string().trim().min(1, 'The name field is required.').max(255),
  organization: z.string().trim().max(255).optional(),
  address1: z.string().trim().min(1, 'The address1 field is required.').max(255),
  address2: z.string().trim().max(255).optional(),
  city: z.string().trim().min(1, 'The city field is required.').max(128),
  state: z.string().trim().max(128).optional(),
  postcode: z.string().trim().min(1, 'The postcode field is required.').max(32),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'The country must be a two-letter ISO 3166-1 code.')
    .transform((c) => c.toUpperCase()),
  phone: z
    .string()
    .trim()
    .regex(/^\+\d{1,3}\.\d{4,14}$/, 'The phone must look like +255.754123456.'),
  email: z.string().trim().email('The email must be a valid email address.').max(255),
});

const hostname = hostnameSchema('Each nameserver must be a valid hostname.');

export const nameserversSchema = z
  .array(hostname)
  .min(2, 'Send 2 to 6 nameservers.')
  .max(6, 'Send 2 to 6 nameservers.')
  .refine((list) => new Set(list).size === list.length, { message: 'Nameservers must be distinct.' });

/** Years: 1 to 10, from JSON numbers or form strings. */
export const yearsSchema = z.coerce
  .number({ error: 'The period must be a number of years.' })
  .int('The period must be a whole number of years.')
  .min(1, 'The period must be at least 1 year.')
  .max(10, 'The period may not be greater than 10 years.');

/** Booleans from JSON or forms: true/false, 1/0, "yes"/"no", "on". */
export const flagSchema = z.union([
  z.boolean(),
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v)),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
]);

export const privacySchema = z.enum(['full', 'partial', 'off'], {
  error: 'The privacy must be full, partial or off.',
});

/** The premium price the caller accepts (decimal, reseller currency), as the 422 premium_price_required named it. */
export const premiumPriceSchema = z
  .string()
  .trim()
  .max(32)
  .optional()
  .describe(
    "A premium name's price (registration or renewal: its own, not the catalog's): send it, as the 422 premium_price_required names it, to accept it.",
  );
