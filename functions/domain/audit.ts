/** The audit trail: who did what to which key, when, from where, and how it ended. */
import type { Caller } from './caller';
import type { Page, PageRequest } from './keys/key-model';
import type { KeyEnvironment } from './keys/key-token';

/**
 * Who acted, as the record names them: a person by member id and email (and how they signed in),
 * or a key by its id and the member id it acts for (its creator).
 */
export type AuditActor =
  | {
      type: 'member';
      memberId: string;
      email: string;
      authMethod: 'session' | 'oidc';
      /**
       * The console session acted through. An admin key may hand out a session for another person,
       * so the person alone does not say who acted: the session's `console_session.created` entry
       * names who made it.
       */
      sessionId?: string;
    }
  | { type: 'key'; keyId: string; memberId: string };

export function auditActorOf(caller: Pick<Caller, 'actor'>): AuditActor {
  const { actor } = caller;
  return actor.kind === 'member'
    ? {
        type: 'member',
        memberId: actor.memberId,
        email: actor.email,
        authMethod: actor.authMethod,
        ...(actor.sessionId && { sessionId: actor.sessionId }),
      }
    : { type: 'key', keyId: actor.keyId, memberId: actor.memberId };
}

export interface AuditEntry {
  id: string;
  organizationId: string;
  /**
   * The environment of the key acted through (or acted on): live and sandbox have separate audit
   * logs, so a sandbox key never sees what was done to live keys.
   */
  environment: KeyEnvironment;
  at: string;
  action: string;
  outcome: 'succeeded' | 'failed';
  /** Who made the call; absent when a partner acted, and in entries written before people signed in. */
  actor?: AuditActor;
  /** The key that made the call (absent when a person did), and the acting or creating member. */
  actorKeyId?: string;
  actorMemberId?: string;
  /** A secret-scanning partner that reported a leaked key, by the id of the key it signed with. */
  actorPartner?: string;
  targetKeyId?: string;
  sourceIp: string;
  userAgent?: string;
  /** For a failure, the error code the caller got. */
  errorCode?: string;
  /** What changed, by field name; never secrets. */
  details?: Record<string, unknown>;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  /** One environment's entries of the organization, newest first. */
  list(organizationId: string, environment: KeyEnvironment, page: PageRequest): Promise<Page<AuditEntry>>;
}
