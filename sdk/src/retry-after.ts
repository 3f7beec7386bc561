/**
 * Reading Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date in one of its three shapes.
 * Date.parse alone would take "1.5", "-1" or "0.5" for dates (V8 reads them as years and months)
 * and asctime's zoneless time as local time, so only those exact shapes are accepted; anything else
 * is unreadable and the caller falls back to its own backoff.
 */

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** `Sun, 06 Nov 1994 08:49:37 GMT` (the preferred shape). */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete). */
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete, UTC without saying so). */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Milliseconds to wait from a Retry-After value at `now`; undefined when absent or not one of its shapes. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = httpDate(trimmed, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** An HTTP-date as epoch milliseconds, or undefined. */
export function httpDate(value: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hour, minute, second] = match as unknown as string[];
    return utc(Number(year), month as string, day as string, hour as string, minute as string, second as string);
  }
  match = RFC_850.exec(value);
  if (match) {
    const [, day, month, twoDigitYear, hour, minute, second] = match as unknown as string[];
    // RFC 9110: a two-digit year more than 50 years ahead is the latest past year ending so.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(twoDigitYear);
    if (year > currentYear + 50) year -= 100;
    return utc(year, month as string, day as string, hour as string, minute as string, second as string);
  }
  match = ASCTIME.exec(value);
  if (match) {
    const [, month, day, hour, minute, second, year] = match as unknown as string[];
    return utc(Number(year), month as string, day as string, hour as string, minute as string, second as string);
  }
  return undefined;
}

function utc(
  year: number,
  monthName: string,
  dayText: string,
  hourText: string,
  minuteText: string,
  secondText: string,
) {
  const [month, day, hour, minute, second] = [
    MONTHS.indexOf(monthName),
    Number(dayText.trim()),
    Number(hourText),
    Number(minuteText),
    Number(secondText),
  ] as [number, number, number, number, number];
  // Date.UTC rolls 31 Feb or 25:00 over into the next month or day: refuse them instead.
  const time = Date.UTC(year, month, day, hour, minute, second);
  const date = new Date(time);
  if (date.getUTCDate() !== day || date.getUTCHours() !== hour || minute > 59 || second > 60) return undefined;
  return time;
}
