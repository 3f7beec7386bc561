/**
 * The shell's states: signing in by link or at the identity provider, signed out, choosing one of
 * several organizations, loading who is signed in, and the console.
 * The link is dropped from the URL before it is exchanged, so it never stays in history.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../../sdk/src/errors';
import { ChooseOrganization } from './ChooseOrganization';
import type { ConsoleConfig } from './config';
import {
  type ConsoleContext,
  ConsoleContextValue,
  type Environment,
  type Locale,
  type Me,
  type Organization,
} from './context';
import { LocaleContext, storedLocale, storeLocale } from './i18n';
import { Layout } from './Layout';
import { translate } from './messages';
import { completeOidcSignIn, OidcSignInError, providerAnswerInUrl } from './oidc-sign-in';
import { navigateTo } from './router';
import { SignedOut, type SignedOutReason } from './SignedOut';
import {
  dropLinkFromUrl,
  exchangeLink,
  forgetToken,
  LinkRefusedError,
  linkTokenInUrl,
  storedSessionId,
  storedToken,
  storeOrganizationId,
  storeToken,
} from './session';
import { clientFor, loadMe, organizationChoices } from './signed-in-client';

type State =
  | { kind: 'starting' }
  | { kind: 'signed-out'; reason: SignedOutReason; detail?: string }
  | { kind: 'choose-organization'; token: string; organizationIds: string[]; choosing: boolean; problem?: string }
  | { kind: 'ready'; token: string; me: Me; organization: Organization };

const ENVIRONMENT_KEY = 'console.environment';

/** How long after it is raised a notice still follows the person to the next page. */
const NOTICE_SURVIVES_MS = 1_000;

export function App({ config }: { config: ConsoleConfig }) {
  const [state, setState] = useState<State>({ kind: 'starting' });
  const [locale, setLocaleState] = useState<Locale>(() => storedLocale() ?? 'en');
  const [environment, setEnvironmentState] = useState<Environment>(() =>
    sessionStorage.getItem(ENVIRONMENT_KEY) === 'test' ? 'test' : 'live',
  );
  const [notice, setNotice] = useState<{ message: string; kind: 'ok' | 'error'; at: number }>();
  // A notice belongs to the page it was raised on, in the language it was written in: it goes when
  // the person moves on or switches language. One raised just before the move (an action that then
  // navigates, such as "Webhook added.") stays with the page it leads to.
  useEffect(() => {
    const expire = () =>
      setNotice((current) => (current && Date.now() - current.at > NOTICE_SURVIVES_MS ? undefined : current));
    addEventListener('hashchange', expire);
    return () => removeEventListener('hashchange', expire);
  }, []);
  useEffect(() => setNotice(undefined), [locale]);

  const endSession = useCallback(() => {
    forgetToken();
    setState({ kind: 'signed-out', reason: 'ended' });
  }, []);

  useEffect(() => {
    const start = async () => {
      const link = linkTokenInUrl();
      const answer = providerAnswerInUrl();
      let token = storedToken();
      let signedInAtProvider = false;
      if (link) {
        dropLinkFromUrl();
        try {
          const exchanged = await exchangeLink(config, link);
          token = exchanged.token;
          // Nothing of an earlier sign-in in this tab (an organization chosen) carries over.
          forgetToken();
          storeToken(token, exchanged.sessionId);
        } catch (error) {
          forgetToken();
          setState({ kind: 'signed-out', reason: error instanceof LinkRefusedError ? 'link' : 'error' });
          return;
        }
      } else if (answer) {
        dropLinkFromUrl();
        try {
          const providerToken = await completeOidcSignIn(config.signIn, answer);
          // Nothing of an earlier sign-in in this tab (a session, an organization chosen) carries over.
          forgetToken();
          storeToken(providerToken);
          token = providerToken;
          signedInAtProvider = true;
        } catch (error) {
          const reason = error instanceof OidcSignInError ? error.reason : 'failed';
          // An answer this tab never asked for changes nothing: whoever was signed in stays so.
          if (reason !== 'unsolicited' || !token) {
            // This tab's own sign-in failed: what the screen says (signed out) is what is stored.
            if (reason !== 'unsolicited') forgetToken();
            const shown = !config.signIn ? 'error' : reason === 'refused' ? 'sso-refused' : 'sso-failed';
            setState({
              kind: 'signed-out',
              reason: shown,
              ...(error instanceof OidcSignInError && { detail: error.error }),
            });
            return;
          }
        }
      }
      if (!token) {
        setState({ kind: 'signed-out', reason: 'none' });
        return;
      }
      try {
        const { me, organization } = await loadMe(config, token, endSession);
        if (!storedLocale()) setLocaleState(organization.locale);
        setState({ kind: 'ready', token, me, organization });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'organization_required') {
          setState({
            kind: 'choose-organization',
            token,
            organizationIds: organizationChoices(error),
            choosing: false,
          });
          return;
        }
        forgetToken();
        // A fresh token from the provider that the API refuses (401) names a person it cannot map to
        // a member; anything else (the API or the provider's keys unavailable) is no verdict on them.
        const refused = error instanceof ApiError && error.status === 401;
        setState({
          kind: 'signed-out',
          reason: signedInAtProvider ? (refused ? 'sso-not-member' : 'error') : 'ended',
        });
      }
    };
    void start();
  }, [config, endSession]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = `${translate(locale, 'shell.title')} · ${config.productName}`;
  }, [locale, config.productName]);

  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    // At once, not after the render: a screen reader reads the new words in the new language.
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  const setEnvironment = useCallback((next: Environment) => {
    sessionStorage.setItem(ENVIRONMENT_KEY, next);
    setEnvironmentState(next);
  }, []);
  const chooseOrganization = useCallback(
    async (organizationId: string) => {
      if (state.kind !== 'choose-organization' || state.choosing) return;
      const { token } = state;
      setState({ ...state, choosing: true, problem: undefined });
      storeOrganizationId(organizationId);
      try {
        const { me, organization } = await loadMe(config, token, endSession);
        // The authorizer answers for the organization named; anything else is not this choice.
        if (me.organizationId !== organizationId) throw new Error(`whoami answered for ${me.organizationId}`);
        if (!storedLocale()) setLocaleState(organization.locale);
        setState({ kind: 'ready', token, me, organization });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return; // endSession signed out
        setState({ ...state, choosing: false, problem: translate(locale, 'shell.chooseOrganization.failed') });
      }
    },
    [config, state, endSession, locale],
  );
  const signOut = useCallback(async () => {
    const token = storedToken();
    // Every person may end their own console session, read-only ones included; should the call fail
    // (the network, an expired session), the token is still forgotten here, where it lived. An
    // identity provider's token has no session to end: forgetting it is signing out of the console.
    if (token && storedSessionId()) {
      await clientFor(config, token, config.stages.live, () => undefined)
        .POST('/v1/console-sessions/sign-out')
        .catch(() => undefined);
    }
    forgetToken();
    history.replaceState(null, '', location.pathname);
    setState({ kind: 'signed-out', reason: 'signed-out' });
  }, [config]);

  const token = state.kind === 'ready' ? state.token : undefined;
  const api = useMemo(
    () =>
      token
        ? clientFor(config, token, environment === 'live' ? config.stages.live : config.stages.sandbox, endSession)
        : undefined,
    [config, token, environment, endSession],
  );

  const context = useMemo<ConsoleContext | undefined>(() => {
    if (state.kind !== 'ready' || !api) return undefined;
    return {
      api,
      environment,
      me: state.me,
      organization: state.organization,
      canWrite: !state.me.readOnly,
      locale,
      t: (key, params) => translate(locale, key, params),
      navigate: navigateTo,
      notify: (message, kind = 'ok') => setNotice({ message, kind, at: Date.now() }),
    };
  }, [state, api, environment, locale]);

  return (
    <LocaleContext.Provider value={locale}>
      {state.kind === 'starting' && (
        <p class="signed-out" role="status">
          {translate(locale, 'shell.signingIn')}
        </p>
      )}
      {state.kind === 'signed-out' && (
        <SignedOut
          reason={state.reason}
          detail={state.detail}
          signIn={config.signIn}
          consolePath={config.consolePath}
          locale={locale}
          onLocale={setLocale}
        />
      )}
      {state.kind === 'choose-organization' && (
        <ChooseOrganization
          organizationIds={state.organizationIds}
          choosing={state.choosing}
          problem={state.problem}
          onChoose={(id) => void chooseOrganization(id)}
          onSignOut={() => void signOut()}
          locale={locale}
          onLocale={setLocale}
        />
      )}
      {context && (
        <ConsoleContextValue.Provider value={context}>
          <Layout
            notice={notice}
            onEnvironment={setEnvironment}
            onLocale={setLocale}
            onSignOut={signOut}
            productName={config.productName}
          />
        </ConsoleContextValue.Provider>
      )}
    </LocaleContext.Provider>
  );
}
