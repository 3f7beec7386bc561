import { publishEventInput } from '../../functions/definition/schemas/events';
import { createEndpointInput } from '../../functions/definition/schemas/webhooks';
import {
  catalogView,
  eventTypes,
  isEventType,
  PLATFORM_EVENTS,
  unknownEventTypeMessage,
} from '../../functions/domain/webhooks/catalog';
import { namesSubAccount } from '../../functions/domain/webhooks/event-scope';
import { buildEvent, type EventInput } from '../../functions/domain/webhooks/publish';
import { aTestApi, usingApi } from '../support/test-api';
import { NOW, validationIssuesOf } from '../support/unit-factories';

const PLATFORM_TYPES = Object.keys(PLATFORM_EVENTS);
const clock = () => NOW;

/** A ride.completed of the test API (JSON Schema: rideId and km required, accountId optional). */
function aRideCompleted(data: Record<string, unknown>): EventInput<string> {
  return { organizationId: 'org_1', environment: 'live', type: 'ride.completed', data };
}

describe('the event catalog of a team API', () => {
  usingApi(aTestApi());

  it("holds the team's event types and the platform's, and none of another API's", () => {
    expect(eventTypes()).toEqual(['ride.completed', ...PLATFORM_TYPES]);
    expect(isEventType('ride.completed')).toBe(true);
    expect(isEventType('api_key.revoked')).toBe(true);
    expect(isEventType('contact.created')).toBe(false);
  });

  it('serves the description and example of each, as the body a receiver gets', () => {
    const view = catalogView();

    expect(view.map((entry) => entry.type)).toEqual(eventTypes());
    expect(view[0]).toEqual({
      type: 'ride.completed',
      description: 'A ride ended.',
      example: { type: 'ride.completed', timestamp: expect.any(String), data: { rideId: 'r_1', km: 12.5 } },
    });
  });

  it("checks a team event's data against its JSON Schema, naming each field", () => {
    expect(buildEvent(aRideCompleted({ rideId: 'r_1', km: 3 }), clock).type).toBe('ride.completed');
    expect(validationIssuesOf(() => buildEvent(aRideCompleted({ rideId: 'r_1', km: 'far' }), clock))).toEqual([
      { field: 'data.km', message: expect.any(String) },
    ]);
    expect(validationIssuesOf(() => buildEvent(aRideCompleted({ km: 3 }), clock))).toEqual([
      { field: 'data.rideId', message: expect.any(String) },
    ]);
  });

  it("reads from the JSON Schema's properties whether a team event names a sub-account", () => {
    expect(namesSubAccount('ride.completed')).toBe(true);
    expect(namesSubAccount('api_key.created')).toBe(false);
  });

  it('lets endpoints subscribe to both kinds, and lists both to one who names neither', () => {
    const created = createEndpointInput.safeParse({
      url: 'https://receiver.example/hooks',
      events: ['ride.completed', 'api_key.leaked'],
    });
    const refused = createEndpointInput.safeParse({
      url: 'https://receiver.example/hooks',
      events: ['contact.created'],
    });

    expect(created.success).toBe(true);
    expect(refused.error?.issues[0]?.message).toBe(unknownEventTypeMessage('contact.created', eventTypes()));
  });
});

describe('publishEventInput (POST /v1/events) on a team API', () => {
  usingApi(aTestApi());

  it("accepts the team's event types", () => {
    expect(publishEventInput.parse({ type: 'ride.completed', data: { rideId: 'r_1', km: 1 } }).type).toBe(
      'ride.completed',
    );
  });

  it.each(PLATFORM_TYPES)('refuses the platform’s own %s', (type) => {
    const parsed = publishEventInput.safeParse({
      type,
      data: PLATFORM_EVENTS[type as keyof typeof PLATFORM_EVENTS].example,
    });

    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['type'],
        message: `${type} is published by the platform itself, not through this route`,
      }),
    ]);
  });

  it("lists only the team's types to a caller who names an unknown one", () => {
    const parsed = publishEventInput.safeParse({ type: 'ride.exploded', data: {} });

    expect(parsed.error?.issues[0]?.message).toBe("'ride.exploded' is not an event type; valid types: ride.completed");
  });
});
