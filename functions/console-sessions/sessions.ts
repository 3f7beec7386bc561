/**
 * console-sessions: `POST /v1/console-sessions` signs a member in to the console (a bearer token and
 * a one-time link), `GET` lists the organization's active sessions, `DELETE …/{id}` revokes one.
 * The audit entry names the session and the member, never the token or the link.
 */
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { createSessionInput } from '../definition/schemas/console-sessions';
import { systemClock } from '../domain/clock';
import {
  createSession,
  endOwnSession,
  listSessions,
  revokeSession,
  type SessionServiceDeps,
  sessionView,
} from '../domain/sessions/session-service';
import { SESSION_ID_PATTERN } from '../domain/sessions/session-token';
import { dynamoDb } from '../runtime/clients';
import { consoleUrlConfig, loadConfig, tableConfig } from '../runtime/config';
import { cursorCodec } from '../runtime/cursors';
import { dispatch } from '../runtime/http';
import { pageOf, parseBody, pathParameter } from '../runtime/http-request';
import { json, noContent } from '../runtime/http-response';
import { sessionSecretFromEnvironment } from '../runtime/sessions';
import { keyStore, memberStore } from '../runtime/stores';
import { consoleBaseUrl, signInUrl } from './console-url';

const { TABLE_NAME, CONSOLE_URL } = loadConfig({ ...tableConfig, ...consoleUrlConfig });

const deps: SessionServiceDeps = {
  // Its own store: only this function lists, so only it holds the cursor codec.
  sessions: new DynamoSessionStore(dynamoDb, TABLE_NAME, cursorCodec),
  members: memberStore,
  keys: keyStore,
  sessionSecret: sessionSecretFromEnvironment(),
  clock: systemClock,
};

const AUDIT_ACTIONS: Record<string, string> = {
  'POST /v1/console-sessions': 'console_session.created',
  'DELETE /v1/console-sessions/{id}': 'console_session.revoked',
  'POST /v1/console-sessions/sign-out': 'console_session.ended',
  'GET /v1/console-sessions': 'console_session.list',
};

export const handler = dispatch(
  {
    'POST /v1/console-sessions': async ({ event, caller, audit }) => {
      const { email, memberId, expiresInSeconds, readOnly } = parseBody(event, createSessionInput);
      const target = email !== undefined ? { email } : { memberId: memberId as string };
      const url = consoleBaseUrl(event, '/v1/console-sessions', CONSOLE_URL);
      const { session, member, token, linkToken } = await createSession(deps, caller, {
        target,
        expiresInSeconds,
        readOnly,
      });
      audit.details = {
        sessionId: session.id,
        memberId: member.id,
        email: member.email,
        readOnly,
        expiresAt: session.expiresAt,
      };
      return json(
        201,
        {
          id: session.id,
          url: signInUrl(url, linkToken),
          token,
          expiresAt: session.expiresAt,
          readOnly: session.readOnly,
          member: { id: member.id, email: member.email, role: member.role },
        },
        { location: `/v1/console-sessions/${session.id}` },
      );
    },
    'GET /v1/console-sessions': async ({ event, caller }) => {
      const page = await listSessions(deps, caller, pageOf(event));
      return json(200, { items: page.items.map(sessionView), nextCursor: page.nextCursor ?? null });
    },
    'POST /v1/console-sessions/sign-out': async ({ caller, audit }) => {
      if (caller.actor.kind === 'member' && caller.actor.sessionId)
        audit.details = { sessionId: caller.actor.sessionId };
      await endOwnSession(deps, caller);
      return noContent();
    },
    'DELETE /v1/console-sessions/{id}': async ({ event, caller, audit }) => {
      const sessionId = pathParameter(
        event,
        'id',
        SESSION_ID_PATTERN,
        '3f9c2a7b1e5d4c8a9b0f6e2d1c7a5b3e (32 hex digits)',
      );
      audit.details = { sessionId };
      await revokeSession(deps, caller, sessionId);
      return noContent();
    },
  },
  { auditAction: (event) => AUDIT_ACTIONS[`${event.httpMethod} ${event.resource}`] ?? 'console_session' },
);
