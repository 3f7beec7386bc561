/** The audit trail: who did what to which key, when, from where, and how it ended. */
import type { Page, PageRequest } from './keys/key-model';

export interface AuditEntry {
  id: string;
  organizationId: string;
  at: string;
  action: string;
  outcome: 'succeeded' | 'failed';
  /** The key that made the call, and the member it belongs to. */
  actorKeyId: string;
  actorMemberId?: string;
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
  list(organizationId: string, page: PageRequest): Promise<Page<AuditEntry>>;
}
