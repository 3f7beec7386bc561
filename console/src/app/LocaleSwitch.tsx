import { useId } from 'preact/hooks';
import type { Locale } from './context';
import { useT } from './i18n';

export function LocaleSwitch({ locale, onLocale }: { locale: Locale; onLocale: (locale: Locale) => void }) {
  const t = useT();
  const id = useId();
  return (
    <span class="switch">
      <label for={id}>{t('shell.language')}</label>{' '}
      <select id={id} value={locale} onChange={(event) => onLocale(event.currentTarget.value as Locale)}>
        <option value="en" lang="en">
          English
        </option>
        <option value="de" lang="de">
          Deutsch
        </option>
      </select>
    </span>
  );
}
