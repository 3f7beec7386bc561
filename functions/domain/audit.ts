/** The audit trail: who did what to which key, when, from where, and how it ended. */
import type { Page, PageRequest } from './keys/key-model';
import type { KeyEnvironment } from './keys/key-token';

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
  /** The key that made the call, and the member it belongs to; absent when a partner acted. */
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
