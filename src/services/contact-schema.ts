import { z } from 'zod';
import type { ContactInput } from '../vocabulary';
import { validationFailed, zodFieldErrors } from './errors';

/*
 * A contact as registrars require it (phone +CC.NUMBER, an ISO 3166-1 country, an e-mail): the
 * API's request schemas, the portal's forms and the CLI's options all validate with this.
 */

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

/** A contact from form or option values (all of them), or 422 with the field errors. */
export function parseContact(values: Record<string, unknown>): ContactInput {
  const parsed = contactSchema.safeParse(values);
  if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error), 'The contact is not valid.');
  return parsed.data;
}

/** The fields given of a contact (empty values left out), or 422 with the field errors. */
export function parseContactPatch(values: Record<string, unknown>): Partial<ContactInput> {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const parsed = contactSchema.partial().safeParse(given);
  if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error), 'The contact is not valid.');
  return Object.fromEntries(
    Object.entries(parsed.data).filter(([, v]) => v !== undefined),
  ) as Partial<ContactInput>;
}
