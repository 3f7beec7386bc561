/** Sample product: search a sub-account's contacts by name, email or company (needs `search`). */
import { z } from 'zod';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import type { Contact } from './contact-store';
import { productRoutes, productStore } from './product-route';

const searchRequest = z.strictObject({
  query: z.string().trim().min(1, 'must not be empty').max(200),
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const handler = productRoutes({
  'POST /v1/search': async ({ event, tenant }) => {
    const { query, limit, cursor } = parseBody(event, searchRequest);
    const needle = query.toLowerCase();
    const page = await productStore.list<Contact>(tenant, 'CONTACT', { limit, ...(cursor && { cursor }) }, (contact) =>
      [contact.name, contact.email, contact.company].some((field) => field?.toLowerCase().includes(needle)),
    );
    return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
  },
});
