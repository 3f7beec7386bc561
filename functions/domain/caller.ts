/** Who made a request, as the authorizer vouched for it: a key, or a person signed in to the console. */
import type { AccountScope } from './keys/key-model';
import type { KeyEnvironment } from './keys/key-token';
import type { MemberRole } from './organization';

/** A key acting on its own rights; `memberId` is the person who created it. */
export interface KeyActor {
  kind: 'key';
  keyId: string;
  memberId: string;
}

/** A person acting through a console session or an OIDC token, with their role's rights. */
export interface MemberActor {
  kind: 'member';
  memberId: string;
  email: string;
  role: MemberRole;
  /** A read-only session (or a viewer): GET routes only. */
  readOnly: boolean;
  authMethod: 'session' | 'oidc';
  sessionId?: string;
  /**
   * When the OIDC token the person called with expires (ISO 8601), as the management authorizer
   * verified it: a console session they create ends by then. Absent for console sessions.
   */
  credentialExpiresAt?: string;
}

export type Actor = KeyActor | MemberActor;

export interface Caller {
  actor: Actor;
  /** The calling key; absent when a person calls. */
  keyId?: string;
  organizationId: string;
  /** The person acting: the member signed in, or the member who created the calling key. */
  memberId: string;
  /** The key's environment, or for a person the calling stage's. */
  environment: KeyEnvironment;
  /** What the caller holds: the key's permissions, or the person's role's (domain/members/member-rights.ts). */
  permissions: string[];
  accounts: AccountScope;
  /** The key's own per-minute limit, when it has one; the plan's limit is the gateway's business. */
  rateLimitPerMinute?: number;
  sourceIp: string;
  userAgent?: string;
}

/** Who acted, as records name them: a person's member id, or the key's id. */
export function actorLabel(caller: Pick<Caller, 'actor'>): string {
  return caller.actor.kind === 'member' ? caller.actor.memberId : caller.actor.keyId;
}

/** Viewers and read-only sessions read only (GET routes): the one rule for the authorizer and the handlers. */
export function readsOnly(person: { role: MemberRole; readOnly: boolean }): boolean {
  return person.readOnly || person.role === 'viewer';
}

/** Whether the caller may only read: a viewer or a read-only session. */
export function isReadOnly(caller: Pick<Caller, 'actor'>): boolean {
  return caller.actor.kind === 'member' && readsOnly(caller.actor);
}
