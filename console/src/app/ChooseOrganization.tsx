import type { Locale } from './context';
import { useT } from './i18n';
import { LocaleSwitch } from './LocaleSwitch';

/**
 * A person who signed in with the identity provider and belongs to several organizations picks the
 * one to manage: their token names the person, not the organization. The organizations are shown by
 * id; their names appear once one is chosen (see signed-in-client.ts organizationChoices).
 */
export function ChooseOrganization({
  organizationIds,
  choosing,
  problem,
  onChoose,
  onSignOut,
  locale,
  onLocale,
}: {
  organizationIds: string[];
  /** A choice is loading: no second one may race it. */
  choosing: boolean;
  problem?: string;
  onChoose: (organizationId: string) => void;
  onSignOut: () => void;
  locale: Locale;
  onLocale: (locale: Locale) => void;
}) {
  const t = useT();
  return (
    <main class="signed-out" id="main">
      <h1>{t('shell.chooseOrganization.title')}</h1>
      <p>{t('shell.chooseOrganization.body')}</p>
      {problem && <p role="alert">{problem}</p>}
      <ul class="organization-choices">
        {organizationIds.map((id) => (
          <li key={id}>
            <button type="button" class="button button-primary" disabled={choosing} onClick={() => onChoose(id)}>
              {id}
            </button>
          </li>
        ))}
      </ul>
      <p>
        <button type="button" class="button" onClick={onSignOut}>
          {t('shell.signOut')}
        </button>
      </p>
      <LocaleSwitch locale={locale} onLocale={onLocale} />
    </main>
  );
}
