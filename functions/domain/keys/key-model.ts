/** The API key as the domain sees it, and the storage it needs. */
import type { KeyEnvironment } from './key-token';

export const STORED_KEY_STATUSES = ['active', 'inactive', 'revoked'] as const;
export type StoredKeyStatus = (typeof STORED_KEY_STATUSES)[number];
/** `expired` is derived from `expiresAt`, never stored, so no job has to flip it. */
export type KeyStatus = StoredKeyStatus | 'expired';

export type AccountScope = '*' | string[];

export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  name: string;
  /** HMAC-SHA256 of the key under the pepper; the key itself is never stored. */
  secretHash: string;
  last8: string;
  environment: KeyEnvironment;
  status: StoredKeyStatus;
  permissions: string[];
  accounts: AccountScope;
  ipAllowlist?: string[];
  expiresAt?: string;
  rateLimitPerMinute?: number;
  createdAt: string;
  /** Who created the key: a member id (`mem_…`) for a person, the acting key's id (`key_…`) for a key. */
  createdBy: string;
  /**
   * The person answerable for the key: its maker, or for a key made by a key that key's person.
   * Absent on keys made before people signed in, whose `createdBy` was always a member id.
   */
  ownerMemberId?: string;
  lastUsedAt?: string;
  rotationDueAt: string;
  rotatedFromKeyId?: string;
  rotatedToKeyId?: string;
  /** The last rotation reminder stage sent (1 = 5 months, 2 = 6 months, 3 = 12 months, …); see reminders/policy.ts. */
  lastReminderStage?: number;
  /** When the "grace period ends soon" email of a rotated key was sent. */
  graceWarningSentAt?: string;
  /** The organization's gateway API key value, copied here so the authorizer needs no second read. */
  usageIdentifierKey?: string;
  /** Optimistic-concurrency counter: every write is conditional on the version it read. */
  version: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface KeyStore {
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Fails with ConflictError if the id exists. */
  create(record: ApiKeyRecord): Promise<void>;
  /** Writes `next` only if the stored version is `next.version - 1`; else ConcurrentModificationError. */
  replace(next: ApiKeyRecord): Promise<void>;
  /** Deletes only if the stored version matches; else ConcurrentModificationError. */
  delete(record: ApiKeyRecord): Promise<void>;
  /** The organization's keys of one environment, newest first. */
  listByOrganization(
    organizationId: string,
    environment: KeyEnvironment,
    page: PageRequest,
  ): Promise<Page<ApiKeyRecord>>;
  /** Moves lastUsedAt forward (never back) for keys that still exist. */
  recordLastUsed(keyId: string, at: string): Promise<void>;
}

export function effectiveStatus(key: ApiKeyRecord, now: Date): KeyStatus {
  if (key.status !== 'revoked' && key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now.getTime()) {
    return 'expired';
  }
  return key.status;
}

/** The member answerable for a key (reminders, the caller's `memberId`): see `ownerMemberId`. */
export function answerableMemberOf(key: Pick<ApiKeyRecord, 'createdBy' | 'ownerMemberId'>): string {
  return key.ownerMemberId ?? key.createdBy;
}
