/** The calling key's own description and the organization's audit log (functions/account/). */
import { z } from 'zod';
import { LOCALES, MEMBER_ROLES } from '../../domain/organization';
import { accountScope, answer, environment, listRoute, timestamp } from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

const organizationProfile = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    locale: z.enum(LOCALES).describe("The organization's language: of its emails, and the console's first choice."),
    accounts: z
      .array(z.strictObject({ id: z.string(), name: z.string() }))
      .describe('Its sub-accounts the caller reaches: all of them, or only those of a caller limited to some.'),
  })
  .describe("The caller's organization (domain/organization-profile.ts), as the caller may see it.");

const keyWhoami = z
  .strictObject({
    keyId: z.string(),
    organizationId: z.string(),
    memberId: z.string().describe('Who created the key: a member id, or the id of the key that did.'),
    environment,
    permissions: z.array(z.string()),
    accounts: accountScope,
    organization: organizationProfile,
  })
  .describe('A calling key.');

const personWhoami = z
  .strictObject({
    type: z.literal('member'),
    memberId: z.string(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    readOnly: z.boolean().describe('A viewer or a read-only session: GET routes only.'),
    organizationId: z.string(),
    environment: environment.describe("The calling stage's environment: people span live and sandbox."),
    permissions: z.array(z.string()).describe('What the person holds, as keys they create are judged against.'),
    accounts: accountScope,
    organization: organizationProfile,
  })
  .describe('A person signed in with a console session or an OIDC token.');

/** functions/account/whoami.ts: the caller as the authorizer described it, nothing else. */
export const whoamiSchema = z
  .union([keyWhoami, personWhoami])
  .describe('The calling key, or the signed-in person.')
  .meta({
    id: 'WhoAmI',
    examples: [
      {
        keyId: 'key_4fGh7JkL9mNpQr2s',
        organizationId: 'org_acme',
        memberId: 'mem_owner',
        environment: 'live',
        permissions: ['admin'],
        accounts: '*',
        organization: {
          id: 'org_acme',
          name: 'Acme',
          locale: 'de',
          accounts: [
            { id: 'acct_eu', name: 'Acme EU' },
            { id: 'acct_us', name: 'Acme US' },
          ],
        },
      },
      {
        type: 'member',
        memberId: 'mem_5f1c9a7e3b2d4c60',
        email: 'ops@acme.example',
        role: 'member',
        readOnly: false,
        organizationId: 'org_acme',
        environment: 'live',
        permissions: ['read'],
        accounts: ['acct_eu'],
        organization: { id: 'org_acme', name: 'Acme', locale: 'de', accounts: [{ id: 'acct_eu', name: 'Acme EU' }] },
      },
    ],
  });

const auditActor = z
  .union([
    z.strictObject({
      type: z.literal('member'),
      memberId: z.string(),
      email: z.string(),
      authMethod: z.enum(['session', 'oidc']),
      sessionId: z
        .string()
        .optional()
        .describe('The console session acted through; its console_session.created entry names who made it.'),
    }),
    z.strictObject({
      type: z.literal('key'),
      keyId: z.string(),
      memberId: z.string().describe('Who created the key: a member id, or the id of the key that did.'),
    }),
  ])
  .describe('Who made the call: a person (by member id and email) or a key; absent when a partner acted.');

/**
 * domain/audit.ts `AuditEntry`, as the audit store lists it: the stored item's attributes, so open
 * to attributes written by other versions.
 */
export const auditEntrySchema = z
  .looseObject({
    id: z.string(),
    organizationId: z.string(),
    environment,
    at: timestamp,
    action: z.string().describe('What was done, such as key.create, key.rotate, api_key.viewed or webhook.update.'),
    outcome: z.enum(['succeeded', 'failed']),
    actor: auditActor.optional(),
    actorKeyId: z
      .string()
      .optional()
      .describe('The key that made the call; absent when a person or a partner acted. See `actor`.'),
    actorMemberId: z.string().optional().describe('The acting person, or the member the calling key acts for.'),
    actorPartner: z
      .string()
      .optional()
      .describe('A secret-scanning partner that reported a leaked key, by the id of its signing key.'),
    targetKeyId: z.string().optional(),
    sourceIp: z.string(),
    userAgent: z.string().optional(),
    errorCode: z.string().optional().describe('For a failure, the error code the caller got.'),
    details: z.record(z.string(), z.unknown()).optional().describe('What changed, by field name; never secrets.'),
  })
  .describe('One management action, successful or not.')
  .meta({
    id: 'AuditEntry',
    examples: [
      {
        id: '3f2b8c1e-9a4d-4e7b-8c6f-1d2e3f4a5b6c',
        organizationId: 'org_acme',
        environment: 'live',
        at: '2026-11-23T10:00:00.000Z',
        action: 'key.rotate',
        outcome: 'succeeded',
        actor: { type: 'key', keyId: 'key_A1b2C3d4E5f6G7h8', memberId: 'mem_owner' },
        actorKeyId: 'key_A1b2C3d4E5f6G7h8',
        actorMemberId: 'mem_owner',
        targetKeyId: 'key_4fGh7JkL9mNpQr2s',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
        details: { newKeyId: 'key_8TqW3eRt5YuI7oPa', gracePeriodSeconds: 86_400 },
      },
    ],
  });

export const ACCOUNT_ROUTE_SCHEMAS = {
  'GET /v1/whoami': { responses: { 200: answer('The calling key, or the signed-in person.', whoamiSchema) } },
  'GET /v1/audit-log': listRoute(
    "The audit log of the calling key's environment, newest first.",
    auditEntrySchema,
    'Audit entries, newest first.',
  ),
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
