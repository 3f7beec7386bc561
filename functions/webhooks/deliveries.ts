/** webhook-deliveries: the delivery log, redelivering one delivery and recovering failed ones. */
import { deliveryStatusQuery, recoverInput } from '../definition/schemas/webhooks';
import { systemClock } from '../domain/clock';
import { deliveryView, listDeliveries, recoverDeliveries, retryDelivery } from '../domain/webhooks/redelivery';
import { dispatch } from '../runtime/http';
import { pageOf, parseBody, validate } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import { deliveryQueueFromEnvironment, deliveryStore, webhookStore } from '../runtime/webhooks';

const deps = {
  endpoints: webhookStore,
  deliveries: deliveryStore,
  queue: deliveryQueueFromEnvironment(),
  clock: systemClock,
};

export const handler = dispatch(
  {
    'GET /v1/webhooks/{id}/deliveries': async ({ event, caller }) => {
      const { status } = validate(deliveryStatusQuery, { status: event.queryStringParameters?.status }, 'query');
      const page = await listDeliveries(deps, caller, event.pathParameters?.id ?? '', pageOf(event), status);
      return json(200, { items: page.items.map(deliveryView), nextCursor: page.nextCursor ?? null });
    },
    'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry': async ({ event, caller, audit }) => {
      const webhookId = event.pathParameters?.id ?? '';
      const deliveryId = event.pathParameters?.deliveryId ?? '';
      audit.details = { webhookId, deliveryId };
      const delivery = await retryDelivery(deps, caller, webhookId, deliveryId);
      return json(202, deliveryView(delivery));
    },
    'POST /v1/webhooks/{id}/recover': async ({ event, caller, audit }) => {
      const { since } = parseBody(event, recoverInput);
      const result = await recoverDeliveries(deps, caller, event.pathParameters?.id ?? '', new Date(since));
      audit.details = { webhookId: event.pathParameters?.id, since, recovered: result.recovered };
      return json(202, result);
    },
  },
  {
    auditAction: (event) => (event.httpMethod === 'GET' ? 'webhook.deliveries' : 'webhook.redeliver'),
  },
);
