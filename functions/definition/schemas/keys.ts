/**
 * Key management routes: what callers may send to create, edit and rotate keys (every rule names
 * the field it checks) and what the key handlers (functions/keys/) answer.
 */
import { z } from 'zod';
import { allowlistEntryProblem } from '../../domain/ip-allowlist';
import { KEY_ENVIRONMENTS } from '../../domain/keys/key-environment';
import { KEY_ID_PATTERN } from '../../domain/keys/key-token';
import { permissionProblem } from '../../domain/permissions';
import { USAGE_WINDOW_SECONDS } from '../usage';
import {
  accountScope,
  accountScopeInput,
  answer,
  BODY_ERRORS,
  created,
  environment,
  listRoute,
  timestamp,
} from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

const MAX_GRACE_PERIOD_SECONDS = 30 * 24 * 3600;

const name = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .describe('A name to recognize the key by, such as the service that uses it.');

const permissions = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of permission strings' })
  .min(1, 'must grant at least one permission')
  .max(50, 'must have at most 50 entries')
  .superRefine((values, ctx) => {
    for (const [index, value] of values.entries()) {
      const problem = permissionProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [index], message: problem });
    }
    if (new Set(values).size !== values.length)
      ctx.addIssue({ code: 'custom', message: 'must not repeat a permission' });
  })
  .describe(
    "Presets (such as 'read') or resource:action scopes; at most the caller's own (the calling key's, or the signed-in person's).",
  );

const accounts = accountScopeInput(
  "The sub-accounts the key reaches: '*' for all, or their ids; within the caller's own.",
);

const ipAllowlist = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of IP addresses or CIDR ranges' })
  .max(100, 'must have at most 100 entries')
  .superRefine((values, ctx) => {
    for (const [index, value] of values.entries()) {
      const problem = allowlistEntryProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [index], message: problem });
    }
  })
  .describe('IP addresses and CIDR ranges the key may be used from; leave out for any.');

const expiresAt = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2027-01-31T00:00:00Z' })
  .describe('When the key stops working; leave out for never.');

const rateLimitPerMinute = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(100_000, 'must be at most 100000')
  .describe("The key's own limit of requests per minute, on top of the plan's.");

export const createKeyInput = z
  .strictObject({
    name,
    permissions,
    /** Defaults to the caller's own sub-accounts ('*' for an unrestricted key or an owner). */
    accounts: accounts.optional(),
    environment: z
      .enum(KEY_ENVIRONMENTS, { error: "must be 'live' or 'test'" })
      .optional()
      .describe("'test' for a sandbox key; defaults to the calling key's environment (for a person, the stage's)."),
    expiresAt: expiresAt.optional(),
    rateLimitPerMinute: rateLimitPerMinute.optional(),
    ipAllowlist: ipAllowlist.optional(),
    // No createdBy: the record names the person or key that acted (key-service.ts), never what a body says.
  })
  .meta({
    id: 'CreateKeyRequest',
    examples: [
      {
        name: 'Billing service',
        permissions: ['read', 'write'],
        accounts: '*',
        expiresAt: '2027-11-22T00:00:00Z',
        rateLimitPerMinute: 600,
      },
    ],
  });
export type CreateKeyInput = z.infer<typeof createKeyInput>;

/** `null` clears an optional field. The key value itself never changes. */
export const updateKeyInput = z
  .strictObject({
    name: name.optional(),
    permissions: permissions.optional(),
    accounts: accounts.optional(),
    ipAllowlist: ipAllowlist.nullable().optional(),
    expiresAt: expiresAt.nullable().optional(),
    rateLimitPerMinute: rateLimitPerMinute.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'send at least one of name, permissions, accounts, ipAllowlist, expiresAt, rateLimitPerMinute',
  })
  .describe('The fields to change; null clears an optional one.')
  .meta({
    id: 'UpdateKeyRequest',
    examples: [{ name: 'Billing service (EU)', rateLimitPerMinute: 1200, expiresAt: null }],
  });
export type UpdateKeyInput = z.infer<typeof updateKeyInput>;

export const rotateKeyInput = z
  .strictObject({
    gracePeriodSeconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(0, 'must be 0 or more')
      .max(MAX_GRACE_PERIOD_SECONDS, `must be at most ${MAX_GRACE_PERIOD_SECONDS} (30 days)`)
      .default(0)
      .describe('How long the old key keeps working, in seconds (at most 30 days); 0 retires it at once.'),
  })
  .meta({ id: 'RotateKeyRequest', examples: [{ gracePeriodSeconds: 86_400 }] });
export type RotateKeyInput = z.infer<typeof rotateKeyInput>;

const KEY_STATUSES = ['active', 'inactive', 'revoked', 'expired'] as const;

const keyViewExample = {
  id: 'key_4fGh7JkL9mNpQr2s',
  name: 'Billing service',
  last8: 'x7Yz9AbC',
  environment: 'live',
  status: 'active',
  permissions: ['read', 'write'],
  accounts: '*',
  ipAllowlist: null,
  expiresAt: null,
  rateLimitPerMinute: null,
  createdAt: '2026-11-22T09:30:00.000Z',
  createdBy: 'mem_5f1c9a7e3b2d4c60',
  createdByEmail: 'ops@acme.example',
  lastUsedAt: '2026-11-23T08:00:00.000Z',
  rotationDueAt: '2027-05-22T09:30:00.000Z',
  ageDays: 1,
  rotatedFromKeyId: null,
  rotatedToKeyId: null,
  lastReminderStage: null,
};

/** keyViewExample rotated with a day's grace: the new key, and the old one with its last day set. */
const rotatedKeyExample = {
  ...keyViewExample,
  id: 'key_8TqW3eRt5YuI7oPa',
  last8: 'Qm4Rs8Tv',
  createdAt: '2026-11-23T10:00:00.000Z',
  lastUsedAt: null,
  rotationDueAt: '2027-05-23T10:00:00.000Z',
  ageDays: 0,
  rotatedFromKeyId: keyViewExample.id,
  key: 'sk_live_…Qm4Rs8Tv',
  previousKey: { ...keyViewExample, expiresAt: '2026-11-24T10:00:00.000Z', rotatedToKeyId: 'key_8TqW3eRt5YuI7oPa' },
};

/** domain/keys/key-view.ts `keyView`: exactly these fields, never the key or its hash. */
export const keyViewSchema = z
  .strictObject({
    id: z.string().regex(KEY_ID_PATTERN).describe('The key id (not the key): key_ and 16 letters or digits.'),
    name: z.string(),
    last8: z.string().describe('The last 8 characters of the key, to recognize it.'),
    environment,
    status: z
      .enum(KEY_STATUSES)
      .describe("'expired' is derived from expiresAt; 'revoked' is permanent, 'inactive' reversible."),
    permissions: z.array(z.string()),
    accounts: accountScope,
    ipAllowlist: z
      .array(z.string())
      .nullable()
      .describe('Addresses and CIDR ranges the key may be used from; null: any.'),
    expiresAt: timestamp.nullable(),
    rateLimitPerMinute: z
      .int()
      .nullable()
      .describe("The key's own limit of requests per minute; null: the plan's only."),
    createdAt: timestamp,
    createdBy: z
      .string()
      .describe(
        'Who created the key: the member id (mem_…) of the person who did, or the id of the key that did (key_…).',
      ),
    createdByEmail: z
      .string()
      .optional()
      .describe('The email of the person who created the key; absent when a key did, or the person was removed.'),
    lastUsedAt: timestamp
      .nullable()
      .describe(
        `The key's latest call, from the access log: up to one usage window (${USAGE_WINDOW_SECONDS} s) plus delivery, about 1-2 minutes, behind the call; null: never used.`,
      ),
    rotationDueAt: timestamp,
    ageDays: z.int().min(0),
    rotatedFromKeyId: z.string().nullable(),
    rotatedToKeyId: z.string().nullable(),
    lastReminderStage: z.int().nullable().describe('The last rotation reminder sent (1: 5 months, 2: 6 months, …).'),
  })
  .describe('An API key as the API shows it: never the key itself, except once on creation.')
  .meta({ id: 'ApiKey', examples: [keyViewExample] });

const shownOnce = z
  .string()
  .describe('The key itself. Shown this once and never stored: keep it in a secret store now.');

export const createdKeySchema = keyViewSchema
  .extend({ key: shownOnce })
  .describe('The created key, with the key itself shown this once.')
  .meta({ id: 'CreatedApiKey', examples: [{ ...keyViewExample, key: 'sk_live_…x7Yz9AbC' }] });

export const rotatedKeySchema = keyViewSchema
  .extend({
    key: shownOnce,
    previousKey: keyViewSchema.describe('The old key, retired at the end of the grace period.'),
  })
  .describe('The new key, and the old one it replaces.')
  .meta({ id: 'RotatedApiKey', examples: [rotatedKeyExample] });

/** domain/usage/call-log.ts `callView`. */
export const callViewSchema = z
  .object({
    time: timestamp,
    method: z.string(),
    path: z.string(),
    status: z.int(),
    latencyMs: z.number(),
    ip: z.string(),
    userAgent: z.string(),
    credits: z.number().describe('Credits the call consumed (0 when it failed).'),
    requestId: z.string(),
  })
  .describe('One call made with the key.')
  .meta({
    id: 'KeyCall',
    examples: [
      {
        time: '2026-11-23T08:00:00.000Z',
        method: 'POST',
        path: '/v1/orders',
        status: 201,
        latencyMs: 84,
        ip: '203.0.113.7',
        userAgent: 'billing-service/2.3 node/22',
        credits: 1,
        requestId: 'c0a8012e-6b1f-4a8e-9d3c-2f7e5a1b4c9d',
      },
    ],
  });

export const KEY_ROUTE_SCHEMAS = {
  'POST /v1/keys': {
    body: createKeyInput,
    responses: {
      201: created('The key was created; `key` holds the key itself, shown only this once.', createdKeySchema),
    },
    errors: [...BODY_ERRORS, 404],
  },
  'GET /v1/keys': listRoute(
    "The organization's keys of the caller's environment, newest first; a person with the member role sees only the keys they created, and a person limited to some sub-accounts only keys within them, so a page may hold fewer keys than `limit` and still have a `nextCursor`.",
    keyViewSchema,
    'Keys, newest first.',
  ),
  'GET /v1/keys/{id}': { responses: { 200: answer('The key.', keyViewSchema) }, errors: [400, 404] },
  'PATCH /v1/keys/{id}': {
    body: updateKeyInput,
    responses: { 200: answer('The key as edited.', keyViewSchema) },
    errors: [...BODY_ERRORS, 404, 409],
  },
  'DELETE /v1/keys/{id}': {
    responses: { 204: answer('The key is deleted; its audit trail stays.') },
    errors: [400, 404, 409],
  },
  'POST /v1/keys/{id}/deactivate': {
    responses: { 200: answer('The key, now inactive.', keyViewSchema) },
    errors: [400, 404, 409],
  },
  'POST /v1/keys/{id}/activate': {
    responses: { 200: answer('The key, active again.', keyViewSchema) },
    errors: [400, 404, 409],
  },
  'POST /v1/keys/{id}/revoke': {
    responses: { 200: answer('The key, revoked for good.', keyViewSchema) },
    errors: [400, 404, 409],
  },
  'POST /v1/keys/{id}/rotate': {
    body: rotateKeyInput,
    responses: {
      201: created('The new key (`key`, shown only this once) and the retired one (`previousKey`).', rotatedKeySchema),
    },
    errors: [...BODY_ERRORS, 404, 409],
  },
  'GET /v1/keys/{id}/calls': {
    ...listRoute(
      "The key's calls of the last 7 days, newest first. A page reads a bounded share of the log, so it may hold fewer calls than `limit`, or none, and still have a `nextCursor`: follow `nextCursor` until it is null.",
      callViewSchema,
      'Calls, newest first.',
    ),
    errors: [400, 404],
  },
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
