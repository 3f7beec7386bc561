import { useState } from 'preact/hooks';
import type { ConsoleSignIn } from './config';
import type { Locale } from './context';
import { useT } from './i18n';
import { LocaleSwitch } from './LocaleSwitch';
import { providerName, startOidcSignIn } from './oidc-sign-in';

export type SignedOutReason =
  | 'none'
  | 'link'
  | 'ended'
  | 'signed-out'
  | 'error'
  | 'sso-refused'
  | 'sso-failed'
  | 'sso-not-member';

/**
 * Why there is no console and how to get in: the team's identity provider when it is set up, and a
 * link from an owner or admin always.
 */
export function SignedOut({
  reason,
  detail,
  signIn,
  consolePath,
  locale,
  onLocale,
}: {
  reason: SignedOutReason;
  detail?: string;
  signIn?: ConsoleSignIn;
  consolePath: string;
  locale: Locale;
  onLocale: (locale: Locale) => void;
}) {
  const t = useT();
  const [leaving, setLeaving] = useState(false);
  const [cannotLeave, setCannotLeave] = useState(false);
  const provider = signIn ? providerName(signIn) : '';
  const leave = () => {
    if (!signIn) return;
    setLeaving(true);
    // Fails only where the browser has no Web Crypto (a page not served over https).
    startOidcSignIn(signIn, consolePath).catch(() => {
      setLeaving(false);
      setCannotLeave(true);
    });
  };
  return (
    <main class="signed-out" id="main">
      <h1>{t('shell.signedOut.title')}</h1>
      {reason === 'link' && <p role="alert">{t('shell.signedOut.expired')}</p>}
      {reason === 'ended' && <p role="alert">{t('shell.sessionEnded')}</p>}
      {reason === 'error' && <p role="alert">{t('shell.signedOut.error')}</p>}
      {reason === 'sso-refused' && (
        <p role="alert">{t('shell.signedOut.ssoRefused', { provider, error: detail ?? '' })}</p>
      )}
      {(reason === 'sso-failed' || cannotLeave) && <p role="alert">{t('shell.signedOut.ssoFailed', { provider })}</p>}
      {reason === 'sso-not-member' && <p role="alert">{t('shell.signedOut.ssoNotMember', { provider })}</p>}
      {signIn && (
        <p>
          <button type="button" class="button button-primary" onClick={leave} disabled={leaving}>
            {t('shell.signedOut.sso', { provider })}
          </button>
        </p>
      )}
      <p>{t(signIn ? 'shell.signedOut.bodyOr' : 'shell.signedOut.body')}</p>
      <LocaleSwitch locale={locale} onLocale={onLocale} />
    </main>
  );
}
