/**
 * events-publish: POST /v1/events for the team's services (keys with the `events:publish` scope):
 * the team's event types only. The event goes to the caller's organization and environment, and must name one of the caller's
 * sub-accounts (event-scope.ts); 202 once it is queued.
 */

import { publishEventInput } from '../definition/schemas/events';
import { MAX_EVENT_BYTES, publishEvent } from '../domain/webhooks/publish';
import { route } from '../runtime/http';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { eventQueueFromEnvironment } from '../runtime/webhooks';

const queue = eventQueueFromEnvironment();

// Not in the audit log: services publish at volume, and every event is in its deliveries' log.
export const handler = route(async ({ event, caller }) => {
  // The envelope may add a little to the data; publishEvent checks the exact size.
  const input = parseBody(event, publishEventInput, { maxBytes: MAX_EVENT_BYTES + 1024 });
  const published = await publishEvent(queue, {
    organizationId: caller.organizationId,
    environment: caller.environment,
    type: input.type,
    // publishEvent checks data against the catalog entry of this type.
    data: input.data,
    accounts: caller.accounts,
  });
  return json(202, { id: published.id, type: published.type, timestamp: published.timestamp });
});
