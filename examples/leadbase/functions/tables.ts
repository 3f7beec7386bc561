/** Tables: list, create, delete. Creating one publishes `table.created`. */

import { createTable } from '../schemas';
import { emit, leadbaseHandler, leadbaseStore as store } from './app';
import { json, noContent } from './http';
import { idOf, pageOf, parseBody } from './request';
import { newId, type Table } from './store';

export const handler = leadbaseHandler({
  'GET /v1/tables': async ({ event, tenant }) => json(200, await store().list<Table>(tenant, 'TABLE', pageOf(event))),
  'POST /v1/tables': async ({ event, tenant }) => {
    const input = parseBody(event, createTable);
    const table = await store().put<Table>(tenant, 'TABLE', {
      id: newId('tb'),
      ...input,
      createdAt: new Date().toISOString(),
    });
    await emit({ type: 'table.created', data: { ...table, accountId: tenant.accountId } }, tenant);
    return json(201, table, { location: `/v1/tables/${table.id}` });
  },
  'DELETE /v1/tables/{id}': async ({ event, tenant }) => {
    await store().delete(tenant, 'TABLE', idOf(event, 'tb'));
    return noContent();
  },
});
