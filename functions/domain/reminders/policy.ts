/**
 * When a key's rotation reminders are due. With a rotation period P (the organization's
 * rotationPeriodDays, copied into the key as rotationDueAt - createdAt):
 *
 * | stage | due at  | sends                        |
 * | ----- | ------- | ---------------------------- |
 * | 1     | 5/6 · P | email                        |
 * | 2     | P       | notification and email       |
 * | n ≥ 3 | (n-1)·P | notification and email again |
 *
 * With the default 182 days that is 5 months, 6 months, then every further 6 months. A rotated
 * key gets no more stages; when its grace period ends in under 24 hours, one grace warning.
 */
import type { ApiKeyRecord } from '../keys/key-model';

export const GRACE_WARNING_HOURS = 24;
const HOUR_MS = 3600 * 1000;

export function rotationPeriodMs(key: Pick<ApiKeyRecord, 'createdAt' | 'rotationDueAt'>): number {
  return Date.parse(key.rotationDueAt) - Date.parse(key.createdAt);
}

export function stageDueAt(key: Pick<ApiKeyRecord, 'createdAt' | 'rotationDueAt'>, stage: number): Date {
  const period = rotationPeriodMs(key);
  const offset = stage === 1 ? (period * 5) / 6 : (stage - 1) * period;
  return new Date(Date.parse(key.createdAt) + offset);
}

/** Whether this stage sends an in-app notification too (every stage but the first). */
export const stageNotifies = (stage: number) => stage >= 2;

/** A key that should still get rotation reminders: active, not rotated. */
export function remindable(key: ApiKeyRecord, now: Date): boolean {
  if (key.status !== 'active' || key.rotatedToKeyId) return false;
  return key.expiresAt === undefined || Date.parse(key.expiresAt) > now.getTime();
}

/** The highest stage due at `now` and not sent yet; missed stages are skipped, not sent in a row. */
export function dueStage(key: ApiKeyRecord, now: Date): number | undefined {
  if (!remindable(key, now) || rotationPeriodMs(key) <= 0) return undefined;
  let stage = (key.lastReminderStage ?? 0) + 1;
  if (stageDueAt(key, stage) > now) return undefined;
  while (stageDueAt(key, stage + 1) <= now) stage += 1;
  return stage;
}

export function graceWarningAt(key: ApiKeyRecord): Date | undefined {
  if (!key.rotatedToKeyId || !key.expiresAt || key.graceWarningSentAt || key.status === 'revoked') return undefined;
  return new Date(Date.parse(key.expiresAt) - GRACE_WARNING_HOURS * HOUR_MS);
}

/** Whether the grace warning is due at `now`: the old key still works, for less than 24 hours. */
export function graceWarningDue(key: ApiKeyRecord, now: Date): boolean {
  const at = graceWarningAt(key);
  return at !== undefined && at <= now && Date.parse(key.expiresAt as string) > now.getTime();
}

/**
 * When the key's next reminder is due, or undefined if none is ahead: what the reminder index
 * (gsi2) holds, so the scan reads due keys only.
 */
export function nextReminderAt(key: ApiKeyRecord): Date | undefined {
  if (key.rotatedToKeyId) return graceWarningAt(key);
  if (key.status !== 'active' || rotationPeriodMs(key) <= 0) return undefined;
  return stageDueAt(key, (key.lastReminderStage ?? 0) + 1);
}
