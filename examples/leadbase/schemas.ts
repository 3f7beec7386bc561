/**
 * What Leadbase's routes take and answer, in one place: the handlers validate requests with these
 * schemas (each problem answered 400 naming its field, functions/request.ts) and type their answers
 * with them, and api.ts declares them on the routes, so the API docs describe what the code does.
 */
import { z } from 'zod';

const contactFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  email: z.email('must be an email address').max(254).optional(),
  company: z.string().trim().max(200).optional(),
  phone: z.string().trim().max(40).optional(),
};

/**
 * The contact the examples show (the API docs): as a GET answers it; its events add `accountId`.
 * Its id is one `newId('ct')` could give.
 */
export const contactExample = {
  id: 'ct_0f3a9c2d4b5e6f708192',
  name: 'Ada Lovelace',
  email: 'ada@analytical.example',
  company: 'Analytical Engines',
  createdAt: '2026-11-22T09:30:00.000Z',
  updatedAt: '2026-11-22T09:30:00.000Z',
};

/** What enrich.ts finds for contactExample's email domain. */
export const enrichmentExample = {
  domain: 'analytical.example',
  freeMail: false,
  companyGuess: 'Analytical',
  enrichedAt: '2026-11-22T09:45:00.000Z',
};

export const tableExample = {
  id: 'tb_1a2b3c4d5e6f70819203',
  name: 'Leads',
  description: 'Contacts met at the November trade fair',
  createdAt: '2026-11-22T09:30:00.000Z',
};

export const createContact = z.strictObject(contactFields).meta({
  examples: [{ name: contactExample.name, email: contactExample.email, company: contactExample.company }],
});

export const updateContact = z
  .strictObject({ ...contactFields, name: contactFields.name.optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one of name, email, company, phone' })
  .meta({ examples: [{ phone: '+44 20 7946 0000' }] });

export const createTable = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    description: z.string().trim().max(500).optional(),
  })
  .meta({ examples: [{ name: tableExample.name, description: tableExample.description }] });

export const enrichmentRequest = z
  .strictObject({
    contactId: z.string().regex(/^ct_[0-9a-f]{20}$/, 'must be a contact id such as ct_0123456789abcdef0123'),
  })
  .meta({ examples: [{ contactId: contactExample.id }] });

export const searchRequest = z
  .strictObject({
    query: z.string().trim().min(1, 'must not be empty').max(200),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: z.string().max(400).optional(),
  })
  .meta({ examples: [{ query: 'analytical', limit: 10 }] });

const LIMIT = 'must be a whole number from 1 to 100';
/** A list request's query; `account_id` rides along and is checked by the platform's accountScope. */
export const pageQuery = z.object({
  limit: z.coerce.number({ error: LIMIT }).int(LIMIT).min(1, LIMIT).max(100, LIMIT).default(25),
  cursor: z.string().min(1).max(400).optional(),
});

/** What the email domain told about a contact (enrich.ts). */
export const enrichmentDetails = z
  .object({
    domain: z.string(),
    freeMail: z.boolean(),
    companyGuess: z.string().nullable(),
    enrichedAt: z.string(),
  })
  .meta({ examples: [enrichmentExample] });
export type EnrichmentDetails = z.infer<typeof enrichmentDetails>;

export const contact = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().optional(),
    company: z.string().optional(),
    phone: z.string().optional(),
    enrichment: enrichmentDetails.optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ examples: [{ ...contactExample, enrichment: enrichmentExample, updatedAt: enrichmentExample.enrichedAt }] });
export type Contact = z.infer<typeof contact>;

export const table = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ examples: [tableExample] });
export type Table = z.infer<typeof table>;

/** One page of a list, oldest id first; `nextCursor` is null on the last page. Its example: a page of the item's. */
export function listOf<Item extends z.ZodType>(item: Item) {
  const itemExamples = (z.globalRegistry.get(item)?.examples as unknown[] | undefined) ?? [];
  return z
    .object({ items: z.array(item), nextCursor: z.string().nullable() })
    .meta({ examples: [{ items: itemExamples.slice(0, 1), nextCursor: null }] });
}

export const enrichmentResult = z
  .object({
    contactId: z.string(),
    status: z.literal('completed'),
    enrichment: enrichmentDetails,
  })
  .meta({ examples: [{ contactId: contactExample.id, status: 'completed', enrichment: enrichmentExample }] });

/** A contact as its events carry it: with its sub-account, without the enrichment details. */
export const contactEvent = contact.omit({ enrichment: true }).extend({ accountId: z.string() });
export const tableEvent = table.extend({ accountId: z.string() });
