/** Sample product: tables, with list, create and delete. */
import { z } from 'zod';
import { emit } from '../runtime/events';
import { pageOf, parseBody } from '../runtime/http-request';
import { json, noContent } from '../runtime/http-response';
import { newId, type ProductTable } from './contact-store';
import { idOf, origin, productRoutes, productStore } from './product-route';

const createTable = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  description: z.string().trim().max(500).optional(),
});

export const handler = productRoutes({
  'GET /v1/tables': async ({ event, tenant }) => {
    const page = await productStore.list<ProductTable>(tenant, 'TABLE', pageOf(event));
    return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
  },
  'POST /v1/tables': async ({ event, tenant, caller }) => {
    const input = parseBody(event, createTable);
    const table = await productStore.put<ProductTable>(tenant, 'TABLE', {
      id: newId('tb'),
      ...input,
      createdAt: new Date().toISOString(),
    });
    await emit({ ...origin(caller), type: 'table.created', data: { ...table, accountId: tenant.accountId } });
    return json(201, table, { location: `/v1/tables/${table.id}` });
  },
  'DELETE /v1/tables/{id}': async (context) => {
    await productStore.delete(context.tenant, 'TABLE', idOf(context, 'tb'));
    return noContent();
  },
});
