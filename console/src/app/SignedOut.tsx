import type { Locale } from './context';
import { useT } from './i18n';
import { LocaleSwitch } from './LocaleSwitch';

export type SignedOutReason = 'none' | 'link' | 'ended' | 'signed-out' | 'error';

/** Why there is no console and how to get in: a link from an owner or admin. */
export function SignedOut({
  reason,
  locale,
  onLocale,
}: {
  reason: SignedOutReason;
  locale: Locale;
  onLocale: (locale: Locale) => void;
}) {
  const t = useT();
  return (
    <main class="signed-out" id="main">
      <h1>{t('shell.signedOut.title')}</h1>
      {reason === 'link' && <p role="alert">{t('shell.signedOut.expired')}</p>}
      {reason === 'ended' && <p role="alert">{t('shell.sessionEnded')}</p>}
      <p>{t('shell.signedOut.body')}</p>
      <LocaleSwitch locale={locale} onLocale={onLocale} />
    </main>
  );
}
