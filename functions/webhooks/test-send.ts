/** webhook-test: signs and sends a test event to an endpoint now, and answers with what happened. */
import { WebhookHttpClient } from '../adapters/webhook-http';
import { testSendInput } from '../definition/schemas/webhooks';
import { systemClock } from '../domain/clock';
import { sendTestEvent } from '../domain/webhooks/redelivery';
import { route } from '../runtime/http';
import { parseBody } from '../runtime/http-request';
import { json } from '../runtime/http-response';
import {
  deliveryStore,
  egressFromEnvironment,
  eventStore,
  masterSecretFromEnvironment,
  webhookStore,
} from '../runtime/webhooks';

const deps = {
  endpoints: webhookStore,
  deliveries: deliveryStore,
  events: eventStore,
  sender: new WebhookHttpClient({ policy: egressFromEnvironment().policy }),
  masterSecret: masterSecretFromEnvironment(),
  clock: systemClock,
};

export const handler = route(
  async ({ event, caller, audit }) => {
    const { eventType } = parseBody(event, testSendInput);
    const outcome = await sendTestEvent(deps, caller, event.pathParameters?.id ?? '', eventType);
    audit.details = {
      webhookId: event.pathParameters?.id,
      deliveryId: outcome.deliveryId,
      statusCode: outcome.statusCode,
    };
    return json(200, outcome);
  },
  { auditAction: 'webhook.test' },
);
