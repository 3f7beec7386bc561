/** What a service may send to POST /v1/events: one of the team's event types and its data. */
import { z } from 'zod';
import { isPlatformEventType, isTeamEventType, teamEventTypes, unknownEventTypeMessage } from './catalog';

/**
 * The platform's own `api_key.*` events are published by the platform only, so no key can forge,
 * say, an `api_key.revoked` for a customer's receivers.
 */
export const teamEventTypeInput = z.string().superRefine((type, context) => {
  if (isTeamEventType(type)) return;
  context.addIssue({
    code: 'custom',
    message: isPlatformEventType(type)
      ? `${type} is published by the platform itself, not through this route`
      : unknownEventTypeMessage(type, teamEventTypes()),
  });
});

export const publishEventInput = z.strictObject({
  type: teamEventTypeInput,
  data: z.record(z.string(), z.unknown(), { error: 'must be an object: the event payload' }),
});
