/**
 * Webhook routes: what an admin may send to register, edit, test and recover webhook endpoints
 * (every problem names its field) and what functions/webhooks/ answers.
 */
import { z } from 'zod';
import {
  type EventType,
  eventTypes,
  isEventType,
  PLATFORM_EVENTS,
  unknownEventTypeMessage,
} from '../../domain/webhooks/catalog';
import { WEBHOOK_ID_PATTERN } from '../../domain/webhooks/endpoint-service';
import { DELIVERY_ID_PATTERN } from '../../domain/webhooks/redelivery';
import { answer, BODY_ERRORS, created, environment, listRoute, pageQuery, timestamp } from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

/**
 * One type of the catalog; anything else gets a message that lists the valid ones. No transform
 * here or in eventList (an EventType is a string; duplicates go by `overwrite`): zod leaves a
 * transforming schema's examples out of its input JSON Schema, and the document shows them.
 */
export const eventTypeInput: z.ZodType<EventType> = z
  .string()
  .refine((type) => isEventType(type), { error: (issue) => unknownEventTypeMessage(String(issue.input)) });

// The catalog is the active definition's, read when a request is checked rather than at import.
const eventList = z
  .array(eventTypeInput, { error: () => `must be a list of event types, e.g. ["${eventTypes()[0]}"]` })
  .refine((events) => events.length > 0, {
    error: () => `must name at least one event type; valid types: ${eventTypes().join(', ')}`,
  })
  .refine((events) => events.length <= eventTypes().length, {
    error: () => `must list each event type at most once; the catalog has ${eventTypes().length}`,
  })
  .overwrite((events) => [...new Set(events)])
  .describe('The event types to receive (GET /v1/webhook-event-types lists them).');

const url = z
  .string({ error: 'must be the URL deliveries are posted to' })
  .trim()
  .min(1)
  .max(2048)
  .describe('The https URL deliveries are posted to.');
const description = z.string().trim().max(500, 'must be at most 500 characters').describe('A note for people.');

export const createEndpointInput = z
  .strictObject({ url, events: eventList, description: description.optional() })
  .meta({
    id: 'CreateWebhookRequest',
    examples: [
      {
        url: 'https://hooks.example.com/api-keys',
        events: ['api_key.created', 'api_key.revoked'],
        description: 'Security team',
      },
    ],
  });

export const updateEndpointInput = z
  .strictObject({
    url: url.optional(),
    events: eventList.optional(),
    description: description.nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .describe('true re-enables a disabled endpoint (and forgets its failing streak); false pauses it.'),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'send at least one of url, events, description, enabled',
  })
  .describe('The fields to change; null clears the description.')
  .meta({
    id: 'UpdateWebhookRequest',
    examples: [{ events: ['api_key.created', 'api_key.revoked', 'api_key.leaked'], enabled: true }],
  });

export type CreateEndpointInput = z.output<typeof createEndpointInput>;
export type UpdateEndpointInput = z.output<typeof updateEndpointInput>;

export const testSendInput = z
  .strictObject({
    eventType: eventTypeInput.optional().describe("The event type to send; defaults to the endpoint's first."),
  })
  .meta({ examples: [{ eventType: 'api_key.created' }] });

export const deliveryStatusQuery = z.object({
  status: z.enum(['pending', 'succeeded', 'failed']).optional().describe('Only the deliveries with this status.'),
});

export const recoverInput = z
  .strictObject({
    since: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-21T00:00:00Z' })
      .describe('Redeliver every failed delivery created since this time (within the last 30 days).'),
  })
  .meta({ examples: [{ since: '2026-11-21T00:00:00Z' }] });

const endpointViewExample = {
  id: 'wh_0f1e2d3c4b5a69788796',
  url: 'https://hooks.example.com/api-keys',
  events: ['api_key.created', 'api_key.revoked'],
  description: 'Security team',
  environment: 'live',
  status: 'enabled',
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-11-22T09:30:00.000Z',
  updatedAt: '2026-11-22T09:30:00.000Z',
};

/** domain/webhooks/endpoint-service.ts `endpointView`: never a secret. */
export const endpointViewSchema = z
  .strictObject({
    id: z.string().regex(WEBHOOK_ID_PATTERN),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    environment: environment.describe('Endpoints receive the events of their own environment.'),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z
      .enum(['manual', 'gone', 'failing'])
      .nullable()
      .describe('Why it is disabled: by PATCH (manual), the receiver answered 410 (gone), or it kept failing.'),
    disabledAt: timestamp.nullable(),
    failingSince: timestamp.nullable().describe('When the current run of failed attempts began.'),
    previousSecretExpiresAt: timestamp
      .nullable()
      .describe('Until when the secret before the last rotation still signs; null outside that overlap.'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .describe('A webhook endpoint.')
  .meta({ id: 'WebhookEndpoint', examples: [endpointViewExample] });

const signingSecret = z
  .string()
  .describe('The signing secret (Standard Webhooks, whsec_…), shown only now: keep it in a secret store.');

export const endpointWithSecretSchema = endpointViewSchema
  .extend({ secret: signingSecret })
  .describe('The webhook endpoint, with its signing secret shown this once.')
  .meta({
    id: 'WebhookEndpointWithSecret',
    examples: [{ ...endpointViewExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  });

/** A first attempt the receiver acknowledged. */
const attemptExample = {
  at: '2026-11-22T09:30:01.000Z',
  statusCode: 200,
  durationMs: 142,
  error: null,
  response: '{"received":true}',
};
const deliveryIdExample = 'msg_5e8a1c3b7d9f2e4a6c8b0d1f';

const attempt = {
  at: timestamp,
  statusCode: z.int().nullable().describe("The receiver's status; null when no answer came."),
  durationMs: z.number().min(0),
  error: z.string().nullable().describe('Why the attempt failed without an answer (timeout, refused address, …).'),
  response: z.string().nullable().describe('The first 2 KB of the response body.'),
};

/** domain/webhooks/redelivery.ts `deliveryView`. */
export const deliveryViewSchema = z
  .strictObject({
    id: z.string().regex(DELIVERY_ID_PATTERN).describe('Also the webhook-id header of every attempt.'),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.array(z.object(attempt)),
    nextAttemptAt: timestamp.nullable(),
    failureReason: z.string().nullable(),
    test: z.boolean().describe('A test send (POST /v1/webhooks/{id}/test): one attempt, no retries.'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .describe('One event sent to one endpoint, with every attempt.')
  .meta({
    id: 'WebhookDelivery',
    examples: [
      {
        id: deliveryIdExample,
        eventId: 'evt_9b2c4d6e8f0a1b3c5d7e9f1a',
        eventType: 'api_key.created',
        status: 'succeeded',
        attempts: [attemptExample],
        nextAttemptAt: null,
        failureReason: null,
        test: false,
        createdAt: '2026-11-22T09:30:00.000Z',
        updatedAt: '2026-11-22T09:30:01.000Z',
      },
    ],
  });

/** domain/webhooks/redelivery.ts `sendTestEvent`. */
export const testOutcomeSchema = z
  .strictObject({
    deliveryId: z.string().regex(DELIVERY_ID_PATTERN),
    eventType: z.string(),
    succeeded: z.boolean(),
    ...attempt,
  })
  .describe('What the test send came to.')
  .meta({
    id: 'WebhookTestOutcome',
    examples: [{ deliveryId: deliveryIdExample, eventType: 'api_key.created', succeeded: true, ...attemptExample }],
  });

export const recoverResultSchema = z
  .strictObject({
    recovered: z.int().min(0).describe('Failed deliveries queued again.'),
    more: z.boolean().describe('True when more failed deliveries remain: call again.'),
  })
  .meta({ id: 'WebhookRecovery', examples: [{ recovered: 12, more: false }] });

/** domain/webhooks/catalog.ts `catalogView`. */
export const eventCatalogSchema = z
  .object({
    items: z.array(
      z.object({
        type: z.string(),
        description: z.string(),
        example: z
          .object({ type: z.string(), timestamp, data: z.record(z.string(), z.unknown()) })
          .describe('The body a receiver gets for this type.'),
      }),
    ),
  })
  .describe("The event catalog: the team's event types, then the platform's.")
  .meta({
    id: 'EventCatalog',
    examples: [
      {
        items: [
          {
            type: 'api_key.created',
            description: PLATFORM_EVENTS['api_key.created'].description,
            example: {
              type: 'api_key.created',
              timestamp: '2026-11-22T09:30:00.000Z',
              data: PLATFORM_EVENTS['api_key.created'].example,
            },
          },
        ],
      },
    ],
  });

export const WEBHOOK_ROUTE_SCHEMAS = {
  'POST /v1/webhooks': {
    body: createEndpointInput,
    responses: {
      201: created('The endpoint is registered; `secret` is shown only this once.', endpointWithSecretSchema),
    },
    errors: [...BODY_ERRORS, 409],
  },
  'GET /v1/webhooks': listRoute(
    "The organization's endpoints of the calling key's environment.",
    endpointViewSchema,
    'Webhook endpoints.',
  ),
  'GET /v1/webhooks/{id}': { responses: { 200: answer('The endpoint.', endpointViewSchema) }, errors: [404] },
  'PATCH /v1/webhooks/{id}': {
    body: updateEndpointInput,
    responses: { 200: answer('The endpoint as edited.', endpointViewSchema) },
    errors: [...BODY_ERRORS, 404, 409],
  },
  'DELETE /v1/webhooks/{id}': { responses: { 204: answer('The endpoint is deleted.') }, errors: [404, 409] },
  'POST /v1/webhooks/{id}/rotate-secret': {
    responses: {
      200: answer('The endpoint and its new secret; the old one keeps signing for 24 hours.', endpointWithSecretSchema),
    },
    errors: [404, 409],
  },
  'POST /v1/webhooks/{id}/test': {
    body: testSendInput,
    responses: {
      200: answer(
        'The test event was sent once (no retries); `succeeded` says how the receiver answered.',
        testOutcomeSchema,
      ),
    },
    errors: [...BODY_ERRORS, 404],
  },
  'GET /v1/webhooks/{id}/deliveries': {
    ...listRoute("The endpoint's deliveries, newest first.", deliveryViewSchema, 'Deliveries, newest first.'),
    query: pageQuery.extend(deliveryStatusQuery.shape),
    errors: [400, 404],
  },
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry': {
    responses: { 202: answer('The delivery is queued for one more attempt.', deliveryViewSchema) },
    errors: [404, 409],
  },
  'POST /v1/webhooks/{id}/recover': {
    body: recoverInput,
    responses: {
      202: answer('Failed deliveries since `since` are queued again, up to a batch per call.', recoverResultSchema),
    },
    errors: [...BODY_ERRORS, 404, 409],
  },
  'GET /v1/webhook-event-types': {
    responses: {
      200: answer('Every event type a webhook can subscribe to, with an example body.', eventCatalogSchema, {
        'Cache-Control': 'public, max-age=300: the catalog changes only with a deployment.',
      }),
    },
  },
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
