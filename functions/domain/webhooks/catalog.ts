/**
 * The event catalog: every event type a webhook can subscribe to, what its `data` holds and an
 * example. `GET /v1/webhook-event-types` serves it; `publishEvent` checks `data` against it, so
 * receivers get what the catalog promises.
 */
import { z } from 'zod';

const contact = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  email: z.string().optional(),
  company: z.string().optional(),
  phone: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(['live', 'test']),
  last8: z.string(),
  permissions: z.array(z.string()),
  createdAt: z.string(),
});

const exampleContact = {
  id: 'ct_0f3a9c2d4b5e6f708192',
  accountId: 'acc_7d1e2f3a4b5c6d7e',
  name: 'Ada Lovelace',
  email: 'ada@analytical.example',
  company: 'Analytical Engines',
  createdAt: '2026-11-22T09:30:00.000Z',
  updatedAt: '2026-11-22T09:30:00.000Z',
};
const exampleKey = {
  id: 'key_4fGh7JkL9mNpQr2s',
  name: 'Billing service',
  environment: 'live',
  last8: 'x7Yz9AbC',
  permissions: ['read', 'write'],
  createdAt: '2026-11-22T09:30:00.000Z',
};

export const EVENT_CATALOG = {
  'contact.created': {
    description: 'A contact was created.',
    data: contact,
    example: exampleContact,
  },
  'contact.updated': {
    description: 'A contact was changed; `data` is the contact as it is now.',
    data: contact,
    example: { ...exampleContact, phone: '+44 20 7946 0000', updatedAt: '2026-11-22T10:00:00.000Z' },
  },
  'contact.deleted': {
    description: 'A contact was deleted.',
    data: z.object({ id: z.string(), accountId: z.string(), deletedAt: z.string() }),
    example: { id: exampleContact.id, accountId: exampleContact.accountId, deletedAt: '2026-11-22T11:00:00.000Z' },
  },
  'enrichment.completed': {
    description: 'A contact was enriched.',
    data: z.object({
      contactId: z.string(),
      accountId: z.string(),
      enrichment: z.record(z.string(), z.unknown()),
    }),
    example: {
      contactId: exampleContact.id,
      accountId: exampleContact.accountId,
      enrichment: { domain: 'analytical.example', freeMail: false, companyGuess: 'Analytical' },
    },
  },
  'enrichment.failed': {
    description: 'A contact could not be enriched; `reason` says why.',
    data: z.object({ contactId: z.string(), accountId: z.string(), reason: z.string() }),
    example: { contactId: exampleContact.id, accountId: exampleContact.accountId, reason: 'The contact has no email.' },
  },
  'table.created': {
    description: 'A table was created.',
    data: z.object({
      id: z.string(),
      accountId: z.string(),
      name: z.string(),
      description: z.string().optional(),
      createdAt: z.string(),
    }),
    example: {
      id: 'tb_1a2b3c4d5e6f70819203',
      accountId: exampleContact.accountId,
      name: 'Leads',
      createdAt: '2026-11-22T09:30:00.000Z',
    },
  },
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
  { description: string; data: z.ZodType<Record<string, unknown>>; example: Record<string, unknown> }
>;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventData<Type extends EventType> = z.input<(typeof EVENT_CATALOG)[Type]['data']>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOG, value);
}

/**
 * The platform's own events: only the platform publishes them, so POST /v1/events cannot forge,
 * say, an `api_key.revoked` for a customer's receivers.
 */
export function isPlatformEventType(type: EventType): boolean {
  return type.startsWith('api_key.');
}

/** What to tell a caller who named an unknown event type. */
export function unknownEventTypeMessage(value: string): string {
  return `'${value}' is not an event type; valid types: ${EVENT_TYPES.join(', ')}`;
}

/** The catalog as `GET /v1/webhook-event-types` serves it, with the body a receiver would get. */
export function catalogView() {
  return EVENT_TYPES.map((type) => ({
    type,
    description: EVENT_CATALOG[type].description,
    example: { type, timestamp: '2026-11-22T09:30:00.000Z', data: EVENT_CATALOG[type].example },
  }));
}
