/** The signed-in frame: header with switches, the role-based nav (a menu at 360 px), the page, notices. */
import { useEffect, useId, useState } from 'preact/hooks';
import { useUnreadCount } from '../pages/notifications';
import { Button } from '../ui/Button';
import { type Environment, type Locale, useConsole } from './context';
import { LocaleSwitch } from './LocaleSwitch';
import { matchRoute, useHashPath } from './router';
import { NAV, ROUTES, sectionOf } from './routes';

export interface LayoutProps {
  notice?: { message: string; kind: 'ok' | 'error'; at: number };
  onEnvironment: (environment: Environment) => void;
  onLocale: (locale: Locale) => void;
  onSignOut: () => void;
  productName: string;
}

export function Layout({ notice, onEnvironment, onLocale, onSignOut, productName }: LayoutProps) {
  const { t, me, organization, environment, locale, canWrite } = useConsole();
  const path = useHashPath();
  const match = matchRoute(ROUTES, path);
  const [menuOpen, setMenuOpen] = useState(false);
  const unread = useUnreadCount();
  const navId = useId();
  const environmentId = useId();
  // A new page closes the menu on small screens and moves focus to it, as a page load would.
  useEffect(() => {
    setMenuOpen(false);
  }, [path]);
  const route = match ? ROUTES.find((candidate) => candidate.name === match.name) : undefined;
  const Page = route?.page;
  const section = match ? sectionOf(match.name) : undefined;
  const items = NAV.filter((item) => item.roles.includes(me.role));
  return (
    <>
      <button type="button" class="skip-link" onClick={skipToMain}>
        {t('shell.skip')}
      </button>
      <header class="shell-header">
        <Button
          class="menu-button"
          aria-expanded={menuOpen ? 'true' : 'false'}
          aria-controls={navId}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('shell.menu')}
        </Button>
        <p class="shell-title">
          <strong>{t('shell.title')}</strong> · {organization.name} · {productName}
        </p>
        <div class="shell-controls">
          <span class="switch">
            <label for={environmentId}>{t('shell.environment')}</label>{' '}
            <select
              id={environmentId}
              value={environment}
              onChange={(event) => onEnvironment(event.currentTarget.value as Environment)}
            >
              <option value="live">{t('shell.environment.live')}</option>
              <option value="test">{t('shell.environment.test')}</option>
            </select>
          </span>
          <LocaleSwitch locale={locale} onLocale={onLocale} />
          <span class="signed-in-as">{t('shell.signedInAs', { email: me.email, role: me.role })}</span>
          <Button onClick={onSignOut}>{t('shell.signOut')}</Button>
        </div>
      </header>
      {!canWrite && <p class="read-only-banner">{t('shell.readOnly')}</p>}
      <div class="shell-body">
        <nav id={navId} class={`shell-nav${menuOpen ? ' open' : ''}`} aria-label={t('shell.nav')}>
          <ul>
            {items.map((item) => (
              <li key={item.route}>
                <a href={item.href} aria-current={section === item.route ? 'page' : undefined}>
                  <span>{t(item.label)}</span>
                  {item.route === 'notifications' && unread !== undefined && unread > 0 && (
                    <span class="unread-badge">
                      <span aria-hidden="true">{unread}</span>
                      <span class="visually-hidden">{t('shell.unread', { count: unread })}</span>
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <div
            class={`notice${notice ? ` notice-${notice.kind}` : ''}`}
            role="status"
            aria-live="polite"
            key={notice?.at}
          >
            {notice?.message}
          </div>
          {Page && match ? (
            <Page key={`${environment} ${path}`} params={match.params} />
          ) : (
            <>
              <h1>{t('shell.title')}</h1>
              <p>{t('shell.notFound')}</p>
            </>
          )}
        </main>
      </div>
    </>
  );
}

/** A button, not a link: `#main` would be read by the hash router as a route. */
function skipToMain() {
  document.getElementById('main')?.focus();
}
