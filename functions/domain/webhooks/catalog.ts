/**
 * The event catalog: every event type a webhook can subscribe to, what its `data` holds and an
 * example. Two parts make it: the platform's own `api_key.*` events, declared here in zod, and the
 * team's events, from the active API definition (`events`: JSON Schema and example).
 * `GET /v1/webhook-event-types` serves both; `publishEvent` checks `data` against the type's
 * schema, so receivers get what the catalog promises.
 */

import { z } from 'zod';
import { activeApi, type LoadedApi } from '../../definition/active-api';
import { eventDataValidator } from '../../definition/event-data';

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(['live', 'test']),
  last8: z.string(),
  permissions: z.array(z.string()),
  createdAt: z.string(),
});

const exampleKey = {
  id: 'key_4fGh7JkL9mNpQr2s',
  name: 'Billing service',
  environment: 'live',
  last8: 'x7Yz9AbC',
  permissions: ['read', 'write'],
  createdAt: '2026-11-22T09:30:00.000Z',
};

/** The platform's own events: only the platform publishes them. */
export const PLATFORM_EVENTS = {
  'api_key.created': {
    description: 'An API key was created (also by rotation: `rotatedFromKeyId` names the old key).',
    data: apiKey.extend({ rotatedFromKeyId: z.string().optional() }),
    example: exampleKey,
  },
  'api_key.revoked': {
    description: 'An API key was revoked; calls with it now get 401.',
    data: apiKey.extend({ revokedAt: z.string() }),
    example: { ...exampleKey, revokedAt: '2026-11-22T12:00:00.000Z' },
  },
  'api_key.leaked': {
    description:
      'A secret-scanning partner found an API key in public at `url`. The key was revoked or deactivated at once, as the organization chose (`action`); replace it and remove it from where it was found.',
    data: apiKey.extend({
      leakedAt: z.string(),
      url: z.string(),
      source: z.string(),
      action: z.enum(['revoked', 'deactivated']),
    }),
    example: {
      ...exampleKey,
      leakedAt: '2026-11-22T12:00:00.000Z',
      url: 'https://github.com/octo-org/billing/blob/4f2a9c1/config/settings.js',
      source: 'content',
      action: 'revoked',
    },
  },
  'api_key.rotation_due': {
    description: 'An API key has reached its rotation period and should be rotated.',
    data: apiKey.extend({ rotationDueAt: z.string(), rotationPeriodDays: z.number() }),
    example: { ...exampleKey, rotationDueAt: '2027-11-22T09:30:00.000Z', rotationPeriodDays: 365 },
  },
} as const satisfies Record<
  string,
  { description: string; data: z.ZodObject<z.ZodRawShape>; example: Record<string, unknown> }
>;

export type PlatformEventType = keyof typeof PLATFORM_EVENTS;
/** A type of the catalog: one of the platform's or one of the team's definition. */
export type EventType = string;
/** What `data` holds: typed for the platform's events; the team's are checked at run time. */
export type EventData<Type extends EventType> = Type extends PlatformEventType
  ? z.input<(typeof PLATFORM_EVENTS)[Type]['data']>
  : Record<string, unknown>;

export interface CatalogEntry {
  description: string;
  data: z.ZodType;
  example: Record<string, unknown>;
  /** `data` has an `accountId`: the event concerns one sub-account (event-scope.ts). */
  namesSubAccount: boolean;
}

export function isPlatformEventType(type: string): type is PlatformEventType {
  return Object.hasOwn(PLATFORM_EVENTS, type);
}

/** The team's event types, in the definition's order. */
export function teamEventTypes(api: LoadedApi = activeApi()): string[] {
  return Object.keys(api.compiled.events);
}

export function isTeamEventType(value: string, api: LoadedApi = activeApi()): boolean {
  return Object.hasOwn(api.compiled.events, value);
}

/** Every type a webhook can subscribe to: the team's, then the platform's. */
export function eventTypes(api: LoadedApi = activeApi()): string[] {
  return [...teamEventTypes(api), ...Object.keys(PLATFORM_EVENTS)];
}

export function isEventType(value: string, api: LoadedApi = activeApi()): boolean {
  return isPlatformEventType(value) || isTeamEventType(value, api);
}

/** The catalog's entry of a type, or undefined for a type it does not have. */
export function catalogEntry(type: string, api: LoadedApi = activeApi()): CatalogEntry | undefined {
  if (isPlatformEventType(type)) {
    const { description, data, example } = PLATFORM_EVENTS[type];
    return { description, data, example, namesSubAccount: Object.hasOwn(data.shape, 'accountId') };
  }
  const event = isTeamEventType(type, api) ? api.compiled.events[type] : undefined;
  const data = eventDataValidator(type, api);
  if (!event || !data) return undefined;
  const properties = event.schema.properties;
  return {
    description: event.description,
    data,
    example: event.example,
    namesSubAccount: typeof properties === 'object' && properties !== null && Object.hasOwn(properties, 'accountId'),
  };
}

/** What to tell a caller who named an unknown event type; `types` are the ones valid where it was named. */
export function unknownEventTypeMessage(value: string, types: readonly string[] = eventTypes()): string {
  return `'${value}' is not an event type; valid types: ${types.join(', ')}`;
}

/** The catalog as `GET /v1/webhook-event-types` serves it, with the body a receiver would get. */
export function catalogView(api: LoadedApi = activeApi()) {
  return eventTypes(api).map((type) => {
    const { description, example } = catalogEntry(type, api) as CatalogEntry;
    return { type, description, example: { type, timestamp: '2026-11-22T09:30:00.000Z', data: example } };
  });
}
