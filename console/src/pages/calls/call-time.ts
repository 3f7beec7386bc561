/** A call's time to the second, in the reader's locale and time zone. */
export function callTime(locale: 'en' | 'de', iso: string): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(new Date(iso));
}
