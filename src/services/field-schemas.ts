import { z } from 'zod';
import { hostnameSchema } from '../domain-name';

/* Field schemas every surface shares (the API's requests, bulk job items). */

/** A contact handle's ID as the API gives it. */
export const contactIdSchema = z
  .string()
  .trim()
  .regex(/^con_[0-9a-f]{20}$/, 'A contact ID looks like con_ followed by 20 hexadecimal characters.');

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
