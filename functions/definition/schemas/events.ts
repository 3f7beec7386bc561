/**
 * Events in: what a service may send to POST /v1/events (one of the team's event types and its
 * data), and the secret-scanning partners' reports of leaked keys, with what each answers.
 */
import { z } from 'zod';
import {
  isPlatformEventType,
  isTeamEventType,
  teamEventTypes,
  unknownEventTypeMessage,
} from '../../domain/webhooks/catalog';
import { answer, BODY_ERRORS, timestamp } from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

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
  type: teamEventTypeInput.describe("One of the team's event types (GET /v1/webhook-event-types)."),
  data: z
    .record(z.string(), z.unknown(), { error: 'must be an object: the event payload' })
    .describe("The payload, checked against the type's schema in the catalog."),
});

export const publishedEventSchema = z
  .strictObject({
    id: z.string().regex(/^evt_[0-9a-f]{24}$/),
    type: z.string(),
    timestamp,
  })
  .describe('The event is queued for every endpoint subscribed to its type.')
  .meta({
    id: 'PublishedEvent',
    examples: [{ id: 'evt_9b2c4d6e8f0a1b3c5d7e9f1a', type: 'contact.created', timestamp: '2026-11-22T09:30:00.000Z' }],
  });

export const MAX_REPORTS_PER_BATCH = 1000;

const text = (max: number) => z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);

export const leakReportSchema = z
  .array(
    z.object({
      // What the partner's pattern matched: possibly not a key at all, so any string up to a bound.
      token: text(1024).min(1, 'must not be empty'),
      type: text(128),
      url: text(2048).optional(),
      source: text(64).optional(),
    }),
    { error: 'must be a JSON array of {token, type, url, source}' },
  )
  .min(1, 'must hold at least one report')
  .max(MAX_REPORTS_PER_BATCH, `must hold at most ${MAX_REPORTS_PER_BATCH} reports`)
  .describe(
    "Matches in GitHub's secret-scanning partner format, signed over the raw body with ECDSA P-256 (SHA-256): the base64 signature in Github-Public-Key-Signature, the partner key id in Github-Public-Key-Identifier.",
  )
  .meta({
    examples: [
      [
        {
          token: 'sk_live_…x7Yz9AbC',
          type: 'api_key_platform_key',
          url: 'https://github.com/octo-org/billing/blob/4f2a9c1/config/settings.js',
          source: 'content',
        },
      ],
    ],
  });

/** domain/secret-scanning/leak-report.ts `LeakVerdict`, one per reported match. */
export const leakVerdictsSchema = z
  .array(
    z.object({
      token_raw: z.string(),
      token_type: z.string(),
      label: z
        .enum(['true_positive', 'false_positive'])
        .describe('true_positive: a live key of this platform, now revoked or deactivated.'),
    }),
  )
  .describe("A verdict per reported match, in the partner's field names.")
  .meta({
    id: 'SecretScanningVerdicts',
    examples: [[{ token_raw: 'sk_live_…x7Yz9AbC', token_type: 'api_key_platform_key', label: 'true_positive' }]],
  });

export const EVENT_ROUTE_SCHEMAS = {
  'POST /v1/events': {
    body: publishEventInput,
    responses: { 202: answer('The event is queued for delivery.', publishedEventSchema) },
    errors: BODY_ERRORS,
  },
  'POST /v1/secret-scanning/reports': {
    headers: {
      'Github-Public-Key-Identifier': {
        description: "The id of the partner's public key the body is signed with.",
        required: true,
      },
      'Github-Public-Key-Signature': {
        description: 'The base64 ECDSA P-256 (SHA-256) signature over the raw body.',
        required: true,
      },
    },
    body: leakReportSchema,
    responses: { 200: { description: 'A verdict per reported match.', schema: leakVerdictsSchema } },
    errors: [400, 401, 403, 413],
  },
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
