/** The range of days each granularity shows, ending today (UTC), within the API's 366 days. */
export type Granularity = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

export function usageRange(granularity: Granularity, now: number): { from: string; to: string } {
  const to = dayOf(now);
  if (granularity === 'day') return { from: dayOf(now - 29 * DAY_MS), to };
  if (granularity === 'week') return { from: dayOf(now - 12 * 7 * DAY_MS), to };
  // This month and the 11 before it: at most 366 days.
  const today = new Date(now);
  return { from: dayOf(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1)), to };
}

/** A short bar label: "01/12" (en) or "01.12." (de) for a day or a week's Monday, "12/26" for a month. */
export function periodLabel(locale: 'en' | 'de', granularity: Granularity, period: string): string {
  const [year, month, day] = period.split('-').map(Number) as [number, number, number?];
  const date = new Date(Date.UTC(year, month - 1, day ?? 1));
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: 'UTC',
    ...(granularity === 'month' ? { month: '2-digit', year: '2-digit' } : { day: '2-digit', month: '2-digit' }),
  });
  return format.format(date);
}

/** A day of the range in words: "2 Nov 2026" (en), "02.11.2026" (de). */
export function dayLabel(locale: 'en' | 'de', day: string): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'UTC', dateStyle: 'medium' }).format(
    new Date(`${day}T00:00:00.000Z`),
  );
}
