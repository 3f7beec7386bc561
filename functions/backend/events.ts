/**
 * Publishing a team's webhook events from a Lambda backend: straight onto the team events queue,
 * in the message format the platform's fan-out reads. The fan-out checks each event against the
 * API definition's catalog and drops (to the queue's DLQ) one that does not match it, and any
 * `api_key.*` event: from this queue, only the definition's types are delivered.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type EventMessage,
  MAX_QUEUE_MESSAGE_BYTES,
  newEventId,
  queueMessageJson,
} from '../domain/webhooks/event-message';
import type { Caller } from './index';

/** Where `eventPublisher` sends. */
export interface EventPublisherOptions {
  /** The team events queue; the construct's `grantPublishEvents(fn)` sets `TEAM_EVENT_QUEUE_URL` to it. */
  queueUrl: string;
  /** The SQS client to send with; a default client otherwise. */
  sqs?: SQSClient;
  /** The clock for `timestamp`; the system clock otherwise. */
  now?: () => Date;
}

/** An event of the API definition's catalog (`events`), for one organization and environment. */
export interface PublishInput {
  /** A type of the definition's `events`, such as `ride.completed`. */
  type: string;
  organizationId: string;
  /** The caller's environment: sandbox (`test`) calls make test events, delivered to test endpoints. */
  environment: Caller['environment'];
  /** What the event's `data` schema describes. */
  data: Record<string, unknown>;
}

/** Publishes the team's webhook events (see `eventPublisher`). */
export interface EventPublisher {
  /** Queues the event for delivery to the organization's subscribed webhooks; resolves to its id (`evt_…`). */
  publish(input: PublishInput): Promise<{ id: string }>;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * A publisher of the team's own events. Needs `sqs:SendMessage` on the queue
 * (`platform.grantPublishEvents(fn)`). The platform's `api_key.*` events are its own: refused here.
 */
export function eventPublisher(options: EventPublisherOptions): EventPublisher {
  // The client keeps to its configured endpoint rather than the QueueUrl's host, as the platform's
  // does: on AWS both are the regional endpoint, locally the emulator's URLs name no real host.
  const sqs = options.sqs ?? new SQSClient({ useQueueUrlAsEndpoint: false });
  const now = options.now ?? (() => new Date());
  return {
    async publish({ type, organizationId, environment, data }) {
      if (!EVENT_TYPE.test(type) || type.startsWith('api_key.')) {
        throw new TypeError(`'${type}' is not an event type of the API definition's events.`);
      }
      if (environment !== 'live' && environment !== 'test') {
        throw new TypeError(`environment must be live or test, not '${environment}'.`);
      }
      const message: EventMessage = {
        id: newEventId(),
        organizationId,
        environment,
        type,
        timestamp: now().toISOString(),
        data,
      };
      const body = queueMessageJson(message);
      if (Buffer.byteLength(body) > MAX_QUEUE_MESSAGE_BYTES) {
        throw new RangeError(
          `The event is ${Buffer.byteLength(body)} bytes on the queue; the limit is ${MAX_QUEUE_MESSAGE_BYTES}.`,
        );
      }
      await sqs.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: body }));
      return { id: message.id };
    },
  };
}
