import { z } from 'zod';
import { contactSchema } from './contacts.schema';
import { paginationQuery } from './pagination.schema';

const contactParam = z.object({ contact: z.string().min(1).max(64) });

export const createContactRequest = z.object({ body: contactSchema });
export const listContactsRequest = z.object({ query: paginationQuery });
export const contactRequest = z.object({ params: contactParam });
export const updateContactRequest = z.object({
  params: contactParam,
  body: contactSchema.partial().refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'Send at least one field to change.',
  }),
});
