import { z } from 'zod';
import type { ContactInput } from '../vocabulary';

export { contactSchema } from '../services/contact-schema';
export {
  contactIdSchema,
  flagSchema,
  nameserversSchema,
  privacySchema,
  yearsSchema,
} from '../services/field-schemas';

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

/** The premium price the caller accepts (decimal, reseller currency), as the 422 premium_price_required named it. */
export const premiumPriceSchema = z
  .string()
  .trim()
  .max(32)
  .optional()
  .describe(
    "A premium name's price (registration or renewal: its own, not the catalog's): send it, as the 422 premium_price_required names it, to accept it.",
  );
