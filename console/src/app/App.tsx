/**
 * The shell's states: signing in by link, signed out, loading who is signed in, and the console.
 * The link is dropped from the URL before it is exchanged, so it never stays in history.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { type ApiClient, createClient } from '../../../sdk/src/client';
import { type ConsoleConfig, stageUrl } from './config';
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
  storeToken,
} from './session';

type State =
  | { kind: 'starting' }
  | { kind: 'signed-out'; reason: SignedOutReason; detail?: string }
  | { kind: 'ready'; token: string; me: Me; organization: Organization };

const ENVIRONMENT_KEY = 'console.environment';

/** A fetch that reports a refused session (401) so the shell can sign out. */
function sessionFetch(onUnauthorized: () => void) {
  return async (request: Request): Promise<Response> => {
    const response = await fetch(request);
    if (response.status === 401) onUnauthorized();
    return response;
  };
}

function clientFor(config: ConsoleConfig, token: string, stage: string, onUnauthorized: () => void): ApiClient {
  return createClient({
    baseUrl: stageUrl(config, stage),
    apiKey: token,
    keyHeader: 'authorization',
    fetch: sessionFetch(onUnauthorized),
  });
}

interface WhoAmI {
  memberId: string;
  email: string;
  role: Me['role'];
  readOnly: boolean;
  organizationId: string;
  permissions: string[];
  accounts: '*' | string[];
  organization?: Organization;
}

async function loadMe(config: ConsoleConfig, token: string, onUnauthorized: () => void) {
  const api = clientFor(config, token, config.stages.live, onUnauthorized);
  const whoami = (await api.GET('/v1/whoami')) as unknown as WhoAmI;
  const me: Me = {
    memberId: whoami.memberId,
    email: whoami.email,
    role: whoami.role,
    readOnly: whoami.readOnly,
    organizationId: whoami.organizationId,
    permissions: whoami.permissions,
    accounts: whoami.accounts,
  };
  const organization: Organization = whoami.organization ?? {
    id: whoami.organizationId,
    name: whoami.organizationId,
    locale: 'en',
    accounts: [],
  };
  return { me, organization };
}

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
      const answer = config.signIn ? providerAnswerInUrl() : undefined;
      let token = storedToken();
      if (link) {
        dropLinkFromUrl();
        try {
          const exchanged = await exchangeLink(config, link);
          token = exchanged.token;
          storeToken(token, exchanged.sessionId);
        } catch (error) {
          forgetToken();
          setState({ kind: 'signed-out', reason: error instanceof LinkRefusedError ? 'link' : 'error' });
          return;
        }
      } else if (answer && config.signIn) {
        dropLinkFromUrl();
        forgetToken();
        try {
          token = await completeOidcSignIn(config.signIn, answer);
          storeToken(token);
        } catch (error) {
          const refused = error instanceof OidcSignInError && error.reason === 'refused';
          setState({
            kind: 'signed-out',
            reason: refused ? 'sso-refused' : 'sso-failed',
            ...(error instanceof OidcSignInError && { detail: error.error }),
          });
          return;
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
      } catch {
        forgetToken();
        // A fresh token from the provider that the API refuses names a person it cannot map to a member.
        setState({ kind: 'signed-out', reason: answer ? 'sso-not-member' : 'ended' });
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
