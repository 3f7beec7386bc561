import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { auditStore } from '../runtime/stores';

export const handler = route(async ({ event, caller }) => {
  const page = await auditStore.list(caller.organizationId, pageOf(event));
  return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
});
