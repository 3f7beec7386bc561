/** Sample product: tables, with list, create and delete. */
import { z } from 'zod';
import { pageOf, parseBody } from '../runtime/http-request';
import { json, noContent } from '../runtime/http-response';
import { newId, type ProductTable } from './contact-store';
import { idOf, productRoutes, productStore } from './product-route';

const createTable = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  description: z.string().trim().max(500).optional(),
});

export const handler = productRoutes({
  'GET /v1/tables': async ({ event, tenant }) => {
    const page = await productStore.list<ProductTable>(tenant, 'TABLE', pageOf(event));
    return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
  },
  'POST /v1/tables': async ({ event, tenant }) => {
    const input = parseBody(event, createTable);
    const table = await productStore.put<ProductTable>(tenant, 'TABLE', {
      id: newId('tb'),
      ...input,
      createdAt: new Date().toISOString(),
    });
    return json(201, table, { location: `/v1/tables/${table.id}` });
  },
  'DELETE /v1/tables/{id}': async (context) => {
    await productStore.delete(context.tenant, 'TABLE', idOf(context, 'tb'));
    return noContent();
  },
});
