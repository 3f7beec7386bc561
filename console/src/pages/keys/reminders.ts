/**
 * A key's rotation reminder state, as functions/domain/reminders/policy.ts schedules it: with the
 * rotation period P (rotationDueAt - createdAt), stage 1 is due at 5/6·P, stage n ≥ 2 at (n-1)·P.
 */
export interface ReminderState {
  /** The last stage sent, or none yet. */
  lastStage: number | null;
  /** When the next stage is due; undefined for a rotated key, which gets no more. */
  nextAt?: Date;
}

export function reminderState(key: {
  createdAt: string;
  rotationDueAt: string;
  lastReminderStage: number | null;
  rotatedToKeyId: string | null;
}): ReminderState {
  if (key.rotatedToKeyId) return { lastStage: key.lastReminderStage };
  const created = Date.parse(key.createdAt);
  const period = Date.parse(key.rotationDueAt) - created;
  const stage = (key.lastReminderStage ?? 0) + 1;
  const offset = stage === 1 ? (period * 5) / 6 : (stage - 1) * period;
  return { lastStage: key.lastReminderStage, nextAt: new Date(created + offset) };
}
