import { z } from 'zod';
import { hostnameSchema } from '../domain-name';
import type { ContactInput } from '../vocabulary';

export { contactSchema } from '../services/contact-schema';

/** A contact handle's ID as the API gives it. */
export const contactIdSchema = z
  .string()
  .trim()
  .regex(/^con_[0-9a-f]{20}$/, 'A contact ID looks like con_ followed by 20 hexadecimal characters.');

/**
 * A role's contact by either way: its handle's ID (`<role>_contact_id`) or inline (`<role>`);
 * one, not both.
 */
export function oneWayPerRole<T extends Record<string, unknown>>(
  body: T,
  ctx: z.RefinementCtx,
  roles: ReadonlyArray<{ inline: string; id: string; required: boolean }>,
): void {
  for (const role of roles) {
    const inline = body[role.inline] !== undefined;
    const byId = body[role.id] !== undefined;
    if (inline && byId)
      ctx.addIssue({
        code: 'custom',
        path: [role.id],
        message: `Send ${role.inline} or ${role.id}, not both.`,
      });
    else if (role.required && !inline && !byId)
      ctx.addIssue({
        code: 'custom',
        path: [role.inline],
        message: `The ${role.inline} field is required (or ${role.id}).`,
      });
  }
}

/** Seed 003's roles: a registrant (required) and an admin (the registrant when not given). */
export const CONTACT_ROLES = [
  { inline: 'registrant', id: 'registrant_contact_id', required: true },
  { inline: 'admin', id: 'admin_contact_id', required: false },
] as const;

/** The roles as a request named them: each by its handle's ID or inline. */
export function contactChoices(b: {
  registrant?: ContactInput | undefined;
  registrant_contact_id?: string | undefined;
  admin?: ContactInput | undefined;
  admin_contact_id?: string | undefined;
}) {
  return {
    registrant: { id: b.registrant_contact_id, contact: b.registrant },
    admin: { id: b.admin_contact_id, contact: b.admin },
  };
}

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
