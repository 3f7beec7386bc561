import type { Locale } from './context';
import { useT } from './i18n';
import { LocaleSwitch } from './LocaleSwitch';

export interface OrganizationChoice {
  id: string;
  name: string;
}

/**
 * A person who signed in with the identity provider and belongs to several organizations picks the
 * one to manage: their token names the person, not the organization.
 */
export function ChooseOrganization({
  choices,
  onChoose,
  locale,
  onLocale,
}: {
  choices: OrganizationChoice[];
  onChoose: (organizationId: string) => void;
  locale: Locale;
  onLocale: (locale: Locale) => void;
}) {
  const t = useT();
  return (
    <main class="signed-out" id="main">
      <h1>{t('shell.chooseOrganization.title')}</h1>
      <p>{t('shell.chooseOrganization.body')}</p>
      <ul class="organization-choices">
        {choices.map((choice) => (
          <li key={choice.id}>
            <button type="button" class="button button-primary" onClick={() => onChoose(choice.id)}>
              {choice.name}
            </button>{' '}
            <code>{choice.id}</code>
          </li>
        ))}
      </ul>
      <LocaleSwitch locale={locale} onLocale={onLocale} />
    </main>
  );
}
