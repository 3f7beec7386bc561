/** The public representation of a key: what lists and responses show. Never the hash. */
import type { ApiKeyRecord } from './key-model';
import { effectiveStatus } from './key-model';

const DAY_MS = 24 * 3600 * 1000;

export function keyView(key: ApiKeyRecord, now: Date) {
  return {
    id: key.id,
    name: key.name,
    last8: key.last8,
    environment: key.environment,
    status: effectiveStatus(key, now),
    permissions: key.permissions,
    accounts: key.accounts,
    ipAllowlist: key.ipAllowlist ?? null,
    expiresAt: key.expiresAt ?? null,
    rateLimitPerMinute: key.rateLimitPerMinute ?? null,
    createdAt: key.createdAt,
    createdBy: key.createdBy,
    lastUsedAt: key.lastUsedAt ?? null,
    rotationDueAt: key.rotationDueAt,
    ageDays: Math.floor((now.getTime() - Date.parse(key.createdAt)) / DAY_MS),
    rotatedFromKeyId: key.rotatedFromKeyId ?? null,
    rotatedToKeyId: key.rotatedToKeyId ?? null,
    lastReminderStage: key.lastReminderStage ?? null,
  };
}
export type KeyView = ReturnType<typeof keyView>;
