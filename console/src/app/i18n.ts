/**
 * The locale is provided apart from the signed-in context so shared components and the signed-out
 * screen translate too. The choice is remembered in localStorage (a preference, not a secret).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Locale, Translate } from './context';
import { translate } from './messages';

export const LocaleContext = createContext<Locale>('en');

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT(): Translate {
  const locale = useLocale();
  return (key, params) => translate(locale, key, params);
}

const LOCALE_STORAGE_KEY = 'console.locale';

export function storedLocale(): Locale | undefined {
  try {
    const value = localStorage.getItem(LOCALE_STORAGE_KEY);
    return value === 'en' || value === 'de' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

/** Dates and numbers in the reader's locale. */
export function formatDate(locale: Locale, value: string | number | Date | undefined | null): string {
  if (value === undefined || value === null || value === '') return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB').format(value);
}
