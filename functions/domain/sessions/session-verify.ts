/**
 * Checks a console session token for the management authorizer: one strongly consistent GetItem
 * by the session id in the token, then a constant-time comparison of its HMAC with each token the
 * session issued. Unknown, malformed, expired and revoked (deleted) tokens all answer undefined.
 */
import type { SessionStore } from './session-model';
import { sameHash, sessionIdOf, sessionTokenHash } from './session-token';

export interface SessionVerifierDeps {
  sessions: Pick<SessionStore, 'get'>;
  /** The session secret's bytes (secretBytesFromSecretsManager of SESSION_SECRET_ID). */
  sessionSecret: () => Promise<Buffer>;
}

export interface VerifiedSession {
  organizationId: string;
  memberId: string;
  readOnly: boolean;
  sessionId: string;
  expiresAt: string;
}

export async function verifySessionToken(
  deps: SessionVerifierDeps,
  token: string,
  now: Date,
): Promise<VerifiedSession | undefined> {
  const sessionId = sessionIdOf(token);
  if (!sessionId) return undefined;
  const session = await deps.sessions.get(sessionId);
  if (!session || Date.parse(session.expiresAt) <= now.getTime()) return undefined;
  const presented = sessionTokenHash(await deps.sessionSecret(), token);
  // Both comparisons run whichever matches, so timing tells nothing about which token it was.
  const matchesApiToken = sameHash(session.tokenHash, presented);
  const matchesBrowserToken = session.browserTokenHash !== undefined && sameHash(session.browserTokenHash, presented);
  if (!matchesApiToken && !matchesBrowserToken) return undefined;
  return {
    organizationId: session.organizationId,
    memberId: session.memberId,
    readOnly: session.readOnly,
    sessionId: session.id,
    expiresAt: session.expiresAt,
  };
}
