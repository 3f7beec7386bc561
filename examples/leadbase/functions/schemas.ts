/** What Leadbase's requests may hold; each problem is answered 400 naming its field (request.ts). */
import { z } from 'zod';

const contactFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  email: z.email('must be an email address').max(254).optional(),
  company: z.string().trim().max(200).optional(),
  phone: z.string().trim().max(40).optional(),
};

export const createContact = z.strictObject(contactFields);

export const updateContact = z
  .strictObject({ ...contactFields, name: contactFields.name.optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one of name, email, company, phone' });

export const createTable = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  description: z.string().trim().max(500).optional(),
});

export const enrichmentRequest = z.strictObject({
  contactId: z.string().regex(/^ct_[0-9a-f]{20}$/, 'must be a contact id such as ct_0123456789abcdef0123'),
});

export const searchRequest = z.strictObject({
  query: z.string().trim().min(1, 'must not be empty').max(200),
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.string().max(400).optional(),
});
