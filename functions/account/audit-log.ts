import { route } from '../runtime/http';
import { pageOf } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { auditStore } from '../runtime/stores';

export const handler = route(async ({ event, caller }) => {
  // The caller's environment's log only: a sandbox key sees what was done in the sandbox.
  const page = await auditStore.list(caller.organizationId, caller.environment, pageOf(event));
  return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
});
