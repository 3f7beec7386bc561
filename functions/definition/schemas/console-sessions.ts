/**
 * Console session routes: what the team's backend (an admin key) or an owner or admin sends to sign
 * a member in to the console, and the public exchange of a one-time link for a browser's token.
 */
import { z } from 'zod';
import { SESSION_LIFETIME } from '../../domain/sessions/session-model';
import { SESSION_ID_PATTERN } from '../../domain/sessions/session-token';
import { answer, BODY_ERRORS, created, listRoute, timestamp } from './common';
import type { RouteKey, RouteSchemas } from './route-schemas';

const { minSeconds, maxSeconds, defaultSeconds } = SESSION_LIFETIME;
const lifetimeMessage = `must be whole seconds from ${minSeconds} (1 hour) to ${maxSeconds} (7 days)`;

export const createSessionInput = z
  .strictObject({
    email: z.email('must be an email address').max(320).optional().describe('The member, by email.'),
    memberId: z
      .string()
      .regex(/^mem_\w{1,64}$/, 'must look like mem_0123456789abcdef')
      .optional()
      .describe('The member, by id.'),
    expiresInSeconds: z
      .int(lifetimeMessage)
      .min(minSeconds, lifetimeMessage)
      .max(maxSeconds, lifetimeMessage)
      .default(defaultSeconds)
      .describe(
        "How long the session lasts, 1 hour to 7 days; 1 hour when left out. Never beyond the asking key's expiresAt.",
      ),
    readOnly: z.boolean().default(false).describe('true: the session may call GET routes only.'),
  })
  .superRefine((input, context) => {
    if ((input.email === undefined) === (input.memberId === undefined)) {
      // Both fields named, so the error says which to send (a refinement alone would name the body).
      for (const field of ['email', 'memberId'] as const) {
        context.addIssue({ code: 'custom', path: [field], message: 'send exactly one of email and memberId' });
      }
    }
  })
  .describe('Whom to sign in, for how long.')
  .meta({
    id: 'CreateConsoleSessionRequest',
    examples: [{ email: 'ada@example.com', expiresInSeconds: 3600, readOnly: false }],
  });

export type CreateSessionInput = z.output<typeof createSessionInput>;

const sessionId = z.string().regex(SESSION_ID_PATTERN);
const exampleId = '3f9c2a7b1e5d4c8a9b0f6e2d1c7a5b3e';

/** domain/sessions/session-service.ts `sessionView`: never a token or a hash. */
export const sessionViewSchema = z
  .strictObject({
    id: sessionId,
    memberId: z.string(),
    readOnly: z.boolean(),
    createdAt: timestamp,
    expiresAt: timestamp,
    createdBy: z.string().describe('The member or key that asked for it.'),
    signedIn: z.boolean().describe('Whether its sign-in link was used.'),
  })
  .describe('An active console session.')
  .meta({
    id: 'ConsoleSession',
    examples: [
      {
        id: exampleId,
        memberId: 'mem_0123456789abcdef',
        readOnly: false,
        createdAt: '2026-11-22T09:30:00.000Z',
        expiresAt: '2026-11-22T10:30:00.000Z',
        createdBy: 'key_0123456789ABCDEF',
        signedIn: true,
      },
    ],
  });

export const createdSessionSchema = z
  .strictObject({
    id: sessionId,
    url: z.string().describe('The one-time sign-in link of the console; it works once, within an hour.'),
    token: z
      .string()
      .describe('A bearer credential on the management routes (Authorization: Bearer cs_…), shown only now.'),
    expiresAt: timestamp,
    readOnly: z.boolean(),
    member: z.strictObject({ id: z.string(), email: z.string(), role: z.string() }),
  })
  .describe('The session, its token and its sign-in link, shown this once.')
  .meta({
    id: 'CreatedConsoleSession',
    examples: [
      {
        id: exampleId,
        url: 'https://api.example.com/live/console/sign-in#csl_…',
        token: 'cs_3f9c2a7b1e5d4c8a9b0f6e2d1c7a5b3e_…',
        expiresAt: '2026-11-22T10:30:00.000Z',
        readOnly: false,
        member: { id: 'mem_0123456789abcdef', email: 'ada@example.com', role: 'admin' },
      },
    ],
  });

export const exchangeInput = z
  .strictObject({ link: z.string().max(200).describe('The link token: what follows # in the sign-in URL.') })
  .meta({ id: 'ExchangeConsoleLinkRequest', examples: [{ link: 'csl_…' }] });

export const exchangedSessionSchema = z
  .strictObject({
    token: z.string().describe("The browser's bearer credential (Authorization: Bearer cs_…)."),
    sessionId,
    expiresAt: timestamp,
    readOnly: z.boolean(),
  })
  .meta({
    id: 'ExchangedConsoleSession',
    examples: [{ token: 'cs_3f9c…_…', sessionId: exampleId, expiresAt: '2026-11-22T10:30:00.000Z', readOnly: false }],
  });

export const CONSOLE_SESSION_ROUTE_SCHEMAS = {
  'POST /v1/console-sessions': {
    body: createSessionInput,
    responses: { 201: created('The session; `token` and `url` are shown only this once.', createdSessionSchema) },
    errors: [...BODY_ERRORS, 404],
  },
  'GET /v1/console-sessions': listRoute(
    "The organization's sessions that have not expired, newest first; a page may hold fewer sessions than `limit` and still have a `nextCursor`.",
    sessionViewSchema,
    'Active sessions, newest first.',
  ),
  'DELETE /v1/console-sessions/{id}': {
    responses: { 204: answer('The session is revoked: its tokens stop within a second.') },
    errors: [400, 404],
  },
  'POST /v1/console-sessions/sign-out': {
    responses: { 204: answer('The calling session is ended: its tokens stop within a second.') },
    errors: [400],
  },
  'POST /v1/console-sessions/exchange': {
    body: exchangeInput,
    responses: { 200: { description: "The browser's token of the session.", schema: exchangedSessionSchema } },
    errors: [400, 401, 413, 415],
  },
} satisfies Partial<Record<RouteKey, RouteSchemas>>;
