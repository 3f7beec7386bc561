/**
 * The webhook stores, queues and egress settings, built once per instance. Each `…FromEnvironment`
 * reads its configuration when called, at a handler's cold start, so only the functions granted a
 * queue or the secret need its variable.
 */
import { DynamoDeliveryStore, DynamoEventStore } from '../adapters/dynamo-delivery-store';
import { DynamoEndpointSlots } from '../adapters/dynamo-endpoint-slots';
import { DynamoWebhookStore } from '../adapters/dynamo-webhook-store';
import { secretBytesFromSecretsManager } from '../adapters/pepper';
import { SqsDeliveryQueue, SqsEventQueue } from '../adapters/sqs-webhook-queues';
import type { EgressPolicy } from '../domain/webhooks/egress-policy';
import { parseSchedule } from '../domain/webhooks/retry-policy';
import { dynamoDb, secretsManager, sqs } from './clients';
import {
  loadConfig,
  tableConfig,
  webhookDeliveryQueueConfig,
  webhookEgressConfig,
  webhookEventQueueConfig,
  webhookSecretConfig,
} from './config';
import { cursorCodec } from './cursors';

const { TABLE_NAME } = loadConfig(tableConfig);

export const webhookStore = new DynamoWebhookStore(dynamoDb, TABLE_NAME, cursorCodec);
export const endpointSlots = new DynamoEndpointSlots(dynamoDb, TABLE_NAME, webhookStore);
export const deliveryStore = new DynamoDeliveryStore(dynamoDb, TABLE_NAME, cursorCodec);
export const eventStore = new DynamoEventStore(dynamoDb, TABLE_NAME);

export function masterSecretFromEnvironment() {
  return secretBytesFromSecretsManager(secretsManager, loadConfig(webhookSecretConfig).WEBHOOK_SECRET_ID);
}

export function eventQueueFromEnvironment() {
  return new SqsEventQueue(sqs, loadConfig(webhookEventQueueConfig).WEBHOOK_EVENT_QUEUE_URL);
}

export function deliveryQueueFromEnvironment() {
  return new SqsDeliveryQueue(sqs, loadConfig(webhookDeliveryQueueConfig).WEBHOOK_DELIVERY_QUEUE_URL);
}

export function egressFromEnvironment(): { policy: EgressPolicy; schedule: readonly number[] } {
  const config = loadConfig(webhookEgressConfig);
  return {
    policy: { allowLoopbackForTest: config.WEBHOOK_ALLOW_LOOPBACK === 'true' },
    schedule: parseSchedule(config.WEBHOOK_RETRY_SCHEDULE),
  };
}
