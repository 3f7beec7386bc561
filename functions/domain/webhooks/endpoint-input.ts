/** What an admin may send to create or edit a webhook endpoint; every problem names its field. */
import { z } from 'zod';
import { type EventType, eventTypes, isEventType, unknownEventTypeMessage } from './catalog';

/** One type of the catalog; anything else gets a message that lists the valid ones. */
export const eventTypeInput = z
  .string()
  .refine((type) => isEventType(type), { error: (issue) => unknownEventTypeMessage(String(issue.input)) })
  // Checked just above.
  .transform((type) => type as EventType);

// The catalog is the active definition's, read when a request is checked rather than at import.
const eventList = z
  .array(eventTypeInput, { error: () => `must be a list of event types, e.g. ["${eventTypes()[0]}"]` })
  .refine((events) => events.length > 0, {
    error: () => `must name at least one event type; valid types: ${eventTypes().join(', ')}`,
  })
  .refine((events) => events.length <= eventTypes().length, {
    error: () => `must list each event type at most once; the catalog has ${eventTypes().length}`,
  })
  .transform((events) => [...new Set(events)]);

const url = z.string({ error: 'must be the URL deliveries are posted to' }).trim().min(1).max(2048);
const description = z.string().trim().max(500, 'must be at most 500 characters');

export const createEndpointInput = z.strictObject({ url, events: eventList, description: description.optional() });

export const updateEndpointInput = z
  .strictObject({
    url: url.optional(),
    events: eventList.optional(),
    description: description.nullable().optional(),
    /** true re-enables a disabled endpoint (and forgets its failing streak); false pauses it. */
    enabled: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'send at least one of url, events, description, enabled',
  });

export type CreateEndpointInput = z.output<typeof createEndpointInput>;
export type UpdateEndpointInput = z.output<typeof updateEndpointInput>;
