/** UTC days (`YYYY-MM-DD`), minutes and the periods usage is reported in. */
import type { UsageGranularity } from '../../definition/usage';

export const DAY_MS = 24 * 3600 * 1000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** A real calendar day written as `YYYY-MM-DD` (so `2026-02-30` is not one). */
export function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const start = dayStart(value);
  return Number.isFinite(start) && dayOf(start) === value;
}

export function addDays(day: string, days: number): string {
  return dayOf(dayStart(day) + days * DAY_MS);
}

/** Days from `from` to `to`, both included; 0 when `to` is before `from`. */
export function dayCount(from: string, to: string): number {
  return Math.max(0, Math.round((dayStart(to) - dayStart(from)) / DAY_MS) + 1);
}

export function eachDay(from: string, to: string): string[] {
  return Array.from({ length: dayCount(from, to) }, (_, index) => addDays(from, index));
}

/**
 * The period a day falls in: the day itself, the Monday that starts its ISO week (`YYYY-MM-DD`),
 * or its month (`YYYY-MM`).
 */
export function periodOf(day: string, granularity: UsageGranularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return day.slice(0, 7);
  const weekday = (new Date(dayStart(day)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
}
