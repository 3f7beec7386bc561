/**
 * Publishing: the platform's code calls `publishEvent` (through `emit`); a team's services call
 * POST /v1/events, which calls it too. The event is checked against the catalog and put on the
 * events queue; delivery happens later, so publishing never waits on a receiver.
 */
import { type Clock, systemClock } from '../clock';
import { PayloadTooLargeError, ValidationError } from '../errors';
import type { AccountScope } from '../keys/key-model';
import type { KeyEnvironment } from '../keys/key-token';
import { catalogEntry, type EventData, type EventType, unknownEventTypeMessage } from './catalog';
import { MAX_QUEUE_MESSAGE_BYTES, newEventId, queueMessageJson } from './event-message';
import { assertWithinAccounts } from './event-scope';
import type { EventQueue, PublishedEvent } from './webhook-model';

/**
 * The largest delivery body, `{type, timestamp, data}` as JSON: 256 KB (decimal), which leaves
 * room for the envelope within SQS's 256 KiB message limit.
 */
export const MAX_EVENT_BYTES = 256_000;

export interface EventInput<Type extends EventType> {
  organizationId: string;
  environment: KeyEnvironment;
  type: Type;
  data: EventData<Type>;
  /** When a key publishes (POST /v1/events): its sub-accounts, which the event must stay within. */
  accounts?: AccountScope;
}

export async function publishEvent<Type extends EventType>(
  queue: EventQueue,
  input: EventInput<Type>,
  clock: Clock = systemClock,
): Promise<PublishedEvent> {
  const event = buildEvent(input, clock);
  await queue.publish(event);
  return event;
}

/** Checks type, data and size; an event that fails here is never queued. */
export function buildEvent(input: EventInput<EventType>, clock: Clock = systemClock): PublishedEvent {
  checkEventData(input.type, input.data);
  // After the schema, so that a missing or malformed accountId is a 400 that names the field.
  if (input.accounts) assertWithinAccounts(input.accounts, input.type, input.data as Record<string, unknown>);
  const event: PublishedEvent = {
    id: newEventId(),
    organizationId: input.organizationId,
    environment: input.environment,
    type: input.type,
    timestamp: clock().toISOString(),
    // The input, not the parse result: zod would drop fields the catalog does not name.
    data: input.data as Record<string, unknown>,
  };
  let body: string;
  try {
    body = deliveryBody(event);
  } catch (error) {
    // JSON.stringify recurses: data nested thousands of levels deep overflows the stack.
    throw new ValidationError([{ field: 'data', message: 'is nested too deeply' }], { cause: error });
  }
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_EVENT_BYTES) {
    throw new PayloadTooLargeError(
      `The event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}. Send less in data (for example ids instead of whole records).`,
    );
  }
  const messageBytes = Buffer.byteLength(queueMessageJson(event));
  if (messageBytes > MAX_QUEUE_MESSAGE_BYTES) {
    throw new PayloadTooLargeError(
      `The event is ${messageBytes} bytes on the queue, where every character beyond ASCII takes 6; the limit is ${MAX_QUEUE_MESSAGE_BYTES}. Send less in data.`,
    );
  }
  return event;
}

/**
 * Checks an event's type and data against the catalog. Publishing checks before queueing; the
 * fan-out checks again, since a team's backends queue events themselves (eventPublisher).
 */
export function checkEventData(type: string, data: unknown): asserts type is EventType {
  const entry = catalogEntry(type);
  if (!entry) throw new ValidationError([{ field: 'type', message: unknownEventTypeMessage(type) }]);
  const parsed = entry.data.safeParse(data);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        field: ['data', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
      { cause: parsed.error },
    );
  }
}

/** What a receiver gets: the same bytes on every attempt, so the signature covers exactly them. */
export function deliveryBody(event: Pick<PublishedEvent, 'type' | 'timestamp' | 'data' | 'test'>): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.timestamp,
    ...(event.test && { test: true }),
    data: event.data,
  });
}
